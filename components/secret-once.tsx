import type { ReactNode } from 'react';
import { CopyButton } from './copy-button';

/** A secret shown the one time it exists in clear, each value with its copy button. */
export function SecretOnce({
  title = "Copy it now: it won't be shown again.",
  items,
  children,
}: {
  title?: string;
  items: { label: string; value: string; testId?: string }[];
  children?: ReactNode;
}) {
  return (
    <div
      role="status"
      className="space-y-2 rounded border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950"
    >
      <p className="font-medium">{title}</p>
      {items.map((i) => (
        <div key={i.label} className="space-y-1">
          <p className="text-xs font-medium text-slate-600 dark:text-slate-300">{i.label}</p>
          <div className="flex items-start gap-2">
            <code
              className="block min-w-0 flex-1 break-all rounded bg-white/70 p-1.5 font-mono text-xs dark:bg-slate-900"
              data-testid={i.testId}
            >
              {i.value}
            </code>
            <CopyButton value={i.value} label={`Copy ${i.label.toLowerCase()}`} text="Copy" />
          </div>
        </div>
      ))}
      {children}
    </div>
  );
}
