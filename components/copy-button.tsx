'use client';

import { useEffect, useState } from 'react';

// Two overlapping sheets: the usual "copy" picture.
const CopyIcon = () => (
  <svg aria-hidden="true" viewBox="0 0 16 16" width="12" height="12" fill="none" stroke="currentColor" strokeWidth="1.5">
    <rect x="5.5" y="5.5" width="8" height="8" rx="1.5" />
    <path d="M10.5 3.5v-1a1 1 0 0 0-1-1h-6a1 1 0 0 0-1 1v6a1 1 0 0 0 1 1h1" />
  </svg>
);

/**
 * Copies `value` to the clipboard; says "Copied" for a moment (announced to screen readers).
 * Without `text` it is a small icon, for sitting beside a name in running text and tables.
 */
export function CopyButton({ value, label, text, className }: { value: string; label: string; text?: string; className?: string }) {
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  useEffect(() => {
    if (state === 'idle') return;
    const t = setTimeout(() => setState('idle'), 2000);
    return () => clearTimeout(t);
  }, [state]);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(value);
      setState('copied');
    } catch {
      setState('failed');
    }
  };
  return (
    <button
      type="button"
      onClick={copy}
      aria-label={state === 'copied' ? `${label}: copied` : label}
      title={value}
      data-copy-value={value}
      className={`inline-flex items-center rounded border border-slate-300 px-1.5 py-1 text-xs font-medium text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-300 dark:hover:bg-slate-800 ${className ?? ''}`}
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : (text ?? <CopyIcon />)}</span>
    </button>
  );
}
