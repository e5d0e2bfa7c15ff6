'use server';

import { AuthError } from 'next-auth';
import { signIn } from '@/app/auth';
import { oidcProviders } from '@/lib/auth/oidc/settings';
import { safeCallbackPath } from '@/app/_lib/safe-callback';

export type LoginState = { error?: string; mfa?: boolean; username?: string };

const messages: Record<string, string> = {
  invalid: 'Invalid username or password.',
  locked: 'This account is locked after repeated failures. Try again later or ask an administrator.',
  rate_limited: 'Too many failed attempts from this address. Wait a few minutes and try again.',
  mfa_required: 'Enter the 6-digit code from your authenticator app.',
  bad_otp: 'That code is not valid. Try the current one, or a recovery code.',
};

export async function login(_prev: LoginState, form: FormData): Promise<LoginState> {
  const username = String(form.get('username') ?? '');
  const next = String(form.get('next') ?? '/');
  try {
    await signIn('credentials', {
      username,
      password: String(form.get('password') ?? ''),
      otp: String(form.get('otp') ?? ''),
      redirectTo: safeCallbackPath(next),
    });
    return {};
  } catch (err) {
    if (err instanceof AuthError) {
      const code = (err as AuthError & { code?: string }).code ?? 'invalid';
      return { error: messages[code] ?? messages.invalid, mfa: code === 'mfa_required' || code === 'bad_otp', username };
    }
    throw err; // the redirect after a successful sign-in
  }
}

/** "Sign in with <provider>": Auth.js sends the browser to the provider and back to `next`. */
export async function ssoLogin(form: FormData): Promise<void> {
  const provider = oidcProviders().find((p) => p.id === form.get('provider'));
  if (!provider) return;
  const next = String(form.get('next') ?? '/');
  await signIn(provider.id, { redirectTo: safeCallbackPath(next) });
}
