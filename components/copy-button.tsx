'use client';

import { useEffect, useState } from 'react';

/** Copies `value` to the clipboard; says "Copied" for a moment (announced to screen readers). */
export function CopyButton({ value, label, text = 'Copy', className }: { value: string; label: string; text?: string; className?: string }) {
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
      className={`inline-flex items-center rounded border border-slate-300 px-1.5 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-300 dark:hover:bg-slate-800 ${className ?? ''}`}
    >
      <span aria-live="polite">{state === 'copied' ? 'Copied' : state === 'failed' ? 'Copy failed' : text}</span>
    </button>
  );
}
