'use server';

import { redirect } from 'next/navigation';
import { headers } from 'next/headers';
import { auth } from '@/app/auth';
import { getDb } from '@/db/client';
import { verifySsoStepUp } from '@/lib/auth/oidc/step-up';

export type VerifyState = { error?: string };

export async function verifyCode(_prev: VerifyState, form: FormData): Promise<VerifyState> {
  const session = await auth();
  if (!session?.user?.id || !session.user.sid) redirect('/login');
  const code = String(form.get('otp') ?? '').slice(0, 64);
  if (!code.trim()) return { error: 'Enter the 6-digit code from your authenticator app.' };
  const ip = (await headers()).get('x-ecs-client-ip') ?? undefined;
  const result = await verifySsoStepUp(getDb(), { userId: session.user.id, sessionId: session.user.sid }, code, { ip });
  if (result === 'bad-code') return { error: 'That code is not valid. Try the current one, or a recovery code.' };
  if (result === 'locked') redirect('/login?expired=1');
  redirect('/');
}
