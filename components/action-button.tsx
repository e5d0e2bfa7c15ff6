'use client';

import { useState, useTransition } from 'react';
import { ConfirmDialog } from './confirm-dialog';

type Result = { error?: string };

/**
 * A button that runs a console server action with `fields` as its form (after the console's
 * confirm dialog, when `confirm` is given) and shows its error next to it.
 */
export function ActionButton({
  label,
  action,
  fields = {},
  confirm,
  variant = 'secondary',
}: {
  label: string;
  action: (prev: Result, form: FormData) => Promise<Result>;
  fields?: Record<string, string>;
  confirm?: string;
  variant?: 'primary' | 'secondary';
}) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  const [asking, setAsking] = useState(false);
  const run = () =>
    start(async () => {
      const form = new FormData();
      for (const [k, v] of Object.entries(fields)) form.append(k, v);
      const r = await action({}, form);
      setError(r.error);
    });
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        className={variant === 'primary' ? 'btn' : 'btn-secondary'}
        disabled={pending}
        onClick={() => (confirm ? setAsking(true) : run())}
      >
        {pending ? '…' : label}
      </button>
      {confirm && (
        <ConfirmDialog
          open={asking}
          message={confirm}
          confirmLabel={label}
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            run();
          }}
        />
      )}
      {error && (
        <span role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </span>
      )}
    </span>
  );
}
