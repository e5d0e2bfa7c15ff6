import { cache } from 'react';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { auth } from '@/app/auth';
import { getDb } from '@/db/client';
import { principalForConsoleSession } from '@/lib/auth/principal';
import type { Principal } from '@/lib/permissions/rbac';
import { AppError } from '@/lib/errors';

/**
 * The signed-in console user as a lib/ principal, once per request; the login page otherwise.
 * A user whose role must use MFA and who hasn't enrolled is sent to the enrolment page: no page
 * or server action but enrolment's own runs for them (lib/auth/principal.ts decides).
 */
export const requirePrincipal = cache((): Promise<Principal> => consolePrincipal(false));

/** For the MFA enrolment page and its actions only: open before the user has enrolled. */
export const requireEnrollingPrincipal = cache((): Promise<Principal> => consolePrincipal(true));

async function consolePrincipal(mfaEnrolment: boolean): Promise<Principal> {
  const session = await auth();
  const h = await headers();
  // Back to the page asked for after signing in (the login page checks it stays on this site).
  const back = () => {
    const path = h.get('x-ecs-path');
    return path && path !== '/' ? `callbackUrl=${encodeURIComponent(path)}` : '';
  };
  if (!session?.user?.id) redirect(`/login${back() ? `?${back()}` : ''}`);
  const ip = h.get('x-ecs-client-ip') ?? undefined;
  try {
    return await principalForConsoleSession(
      getDb(),
      { uid: session.user.id, sv: session.user.sv, sid: session.user.sid },
      { ip, mfaEnrolment },
    );
  } catch (err) {
    if (err instanceof AppError && err.status === 401) {
      if (err.extra.mfaCodeRequired) redirect('/login/verify');
      if (err.extra.mfaEnrollmentRequired) redirect('/account/mfa?required=1');
      redirect(`/login?expired=1${back() ? `&${back()}` : ''}`);
    }
    throw err;
  }
}
