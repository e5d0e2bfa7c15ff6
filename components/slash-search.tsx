'use client';

import { useEffect } from 'react';

const editable = (t: EventTarget | null) =>
  t instanceof HTMLElement && (t.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(t.tagName));

/** "/" jumps to the page's search field, as in GitHub and most consoles; typing elsewhere is untouched. */
export function SlashSearch() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== '/' || e.ctrlKey || e.metaKey || e.altKey || editable(e.target)) return;
      const field =
        document.querySelector<HTMLInputElement>('form[role="search"] input[name="q"]') ??
        document.querySelector<HTMLInputElement>('form[role="search"] input:not([type="hidden"])');
      if (!field) return;
      e.preventDefault();
      field.focus();
      field.select();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
  return null;
}
