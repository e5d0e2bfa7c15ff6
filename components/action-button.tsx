'use client';

import { useState, useTransition } from 'react';

type Result = { ok?: boolean; error?: string };

/** A button that runs a server action and shows its error next to it. */
export function ActionButton({ label, action, confirm, variant = 'secondary' }: { label: string; action: () => Promise<Result>; confirm?: string; variant?: 'primary' | 'secondary' }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  return (
    <span className="inline-flex items-center gap-2">
      <button
        type="button"
        className={variant === 'primary' ? 'btn' : 'btn-secondary'}
        disabled={pending}
        onClick={() => {
          if (confirm && !window.confirm(confirm)) return;
          start(async () => {
            const r = await action();
            setError(r.ok ? undefined : r.error);
          });
        }}
      >
        {pending ? '…' : label}
      </button>
      {error && (
        <span role="alert" className="text-sm text-red-600 dark:text-red-400">
          {error}
        </span>
      )}
    </span>
  );
}
