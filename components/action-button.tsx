'use client';

import { useState, useTransition } from 'react';
import { ConfirmDialog } from './confirm-dialog';

type Result = { ok?: boolean; error?: string };

/** A button that runs a server action (after the console's confirm dialog, when `confirm` is given) and shows its error next to it. */
export function ActionButton({
  label,
  action,
  confirm,
  variant = 'secondary',
}: {
  label: string;
  action: () => Promise<Result>;
  confirm?: string;
  variant?: 'primary' | 'secondary';
}) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  const [asking, setAsking] = useState(false);
  const run = () =>
    start(async () => {
      const r = await action();
      setError(r.ok ? undefined : r.error);
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
