'use client';

import { useActionState } from 'react';
import { verifyAction, type VerifyState } from './actions';

export function VerifyButton() {
  const [state, action, pending] = useActionState<VerifyState, FormData>(verifyAction, {});
  return (
    <form action={action} className="flex items-center gap-3">
      <button type="submit" className="btn-secondary" disabled={pending}>
        {pending ? 'Checking…' : 'Verify the chain'}
      </button>
      {state.result && (
        <span
          role="status"
          data-testid="verify-result"
          className={`text-sm ${state.result.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-600'}`}
        >
          {state.result.ok
            ? `Intact: ${state.result.checked} rows checked`
            : `${state.result.problems.length} problem${state.result.problems.length === 1 ? '' : 's'}, first ${state.result.problems[0]?.kind} at row ${state.result.firstBrokenId}: ${state.result.reason}`}
        </span>
      )}
      {state.error && (
        <span role="alert" className="text-sm text-red-600">
          {state.error}
        </span>
      )}
    </form>
  );
}
