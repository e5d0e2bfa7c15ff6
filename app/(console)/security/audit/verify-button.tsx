'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import type { VerifyResult } from '@/lib/audit/verify';
import { verifyAction } from './actions';

export function VerifyButton() {
  const [state, action, pending] = useActionState<ActionState, FormData>(verifyAction, {});
  const result = state.data as VerifyResult | undefined;
  return (
    <form action={action} className="flex items-center gap-3">
      <button type="submit" className="btn-secondary" disabled={pending}>
        {pending ? 'Checking…' : 'Verify the chain'}
      </button>
      {result && (
        <span
          role="status"
          data-testid="verify-result"
          className={`text-sm ${result.ok ? 'text-emerald-700 dark:text-emerald-400' : 'text-red-600'}`}
        >
          {result.ok
            ? `Intact: ${result.checked} rows checked`
            : `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'}, first ${result.problems[0]?.kind} at row ${result.firstBrokenId}: ${result.reason}`}
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
