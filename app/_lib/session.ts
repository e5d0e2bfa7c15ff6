import { cache } from 'react';
import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { auth } from '@/app/auth';
import { getDb } from '@/db/client';
import { principalForSession } from '@/lib/auth/principal';
import type { Principal } from '@/lib/auth/rbac';
import { AppError } from '@/lib/errors';

/** The signed-in console user as a lib/ principal, once per request; the login page otherwise. */
export const requirePrincipal = cache(async (): Promise<Principal> => {
  const session = await auth();
  if (!session?.user?.id) redirect('/login');
  const ip = (await headers()).get('x-ecs-client-ip') ?? undefined;
  try {
    return await principalForSession(getDb(), session.user.id, session.user.sv, ip);
  } catch (err) {
    if (err instanceof AppError && err.status === 401) redirect('/login?expired=1');
    throw err;
  }
});
