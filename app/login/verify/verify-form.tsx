'use client';

import { useActionState } from 'react';
import { verifyCode, type VerifyState } from './actions';

export function VerifyForm() {
  const [state, action, pending] = useActionState<VerifyState, FormData>(verifyCode, {});
  return (
    <form action={action} className="space-y-4" aria-describedby="verify-status">
      <div>
        <label htmlFor="otp" className="mb-1 block text-sm font-medium">
          One-time code
        </label>
        <input id="otp" name="otp" inputMode="numeric" autoComplete="one-time-code" required className="input" autoFocus />
      </div>
      <p id="verify-status" role="alert" className="min-h-5 text-sm text-red-600 dark:text-red-400">
        {state.error ?? ''}
      </p>
      <button type="submit" className="btn w-full justify-center" disabled={pending}>
        {pending ? 'Checking…' : 'Continue'}
      </button>
    </form>
  );
}
