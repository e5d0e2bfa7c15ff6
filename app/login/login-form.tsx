'use client';

import { useActionState } from 'react';
import { login, type LoginState } from './actions';

export function LoginForm({ next, notice }: { next: string; notice?: string }) {
  const [state, action, pending] = useActionState<LoginState, FormData>(login, {});
  return (
    <form action={action} className="space-y-4" aria-describedby="login-status">
      <input type="hidden" name="next" value={next} />
      <div>
        <label htmlFor="username" className="mb-1 block text-sm font-medium">
          Username
        </label>
        <input id="username" name="username" autoComplete="username" required className="input" defaultValue={state.username} />
      </div>
      <div>
        <label htmlFor="password" className="mb-1 block text-sm font-medium">
          Password
        </label>
        <input id="password" name="password" type="password" autoComplete="current-password" required className="input" />
      </div>
      {state.mfa && (
        <div>
          <label htmlFor="otp" className="mb-1 block text-sm font-medium">
            One-time code
          </label>
          <input id="otp" name="otp" inputMode="numeric" autoComplete="one-time-code" className="input" autoFocus />
        </div>
      )}
      <p id="login-status" role="alert" className="min-h-5 text-sm text-red-600 dark:text-red-400">
        {state.error ?? notice ?? ''}
      </p>
      <button type="submit" className="btn w-full justify-center" disabled={pending}>
        {pending ? 'Signing in…' : 'Sign in'}
      </button>
    </form>
  );
}
