'use client';

import { useEffect, useId, useRef } from 'react';

/**
 * The console's own confirmation, in place of window.confirm: a modal <dialog> (focus is trapped
 * and Escape cancels, natively), styled like the console, with the safe choice focused first.
 */
export function ConfirmDialog({
  open,
  message,
  confirmLabel = 'Confirm',
  cancelLabel = 'Keep it',
  danger = true,
  onConfirm,
  onCancel,
}: {
  open: boolean;
  message: string;
  confirmLabel?: string;
  cancelLabel?: string;
  danger?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  const titleId = useId();
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return (
    <dialog
      ref={ref}
      aria-labelledby={titleId}
      onCancel={(e) => {
        e.preventDefault();
        onCancel();
      }}
      className="w-full max-w-sm rounded-lg border border-slate-200 bg-white p-5 text-slate-900 shadow-xl backdrop:bg-slate-900/50 dark:border-slate-700 dark:bg-slate-900 dark:text-slate-100"
    >
      {/* Content only while open: a closed dialog's words would still match searches of the page. */}
      {open && (
        <>
          <p id={titleId} className="mb-4 text-sm font-medium">
            {message}
          </p>
          <div className="flex justify-end gap-2">
            <button type="button" className="btn-secondary" autoFocus onClick={onCancel}>
              {cancelLabel}
            </button>
            <button type="button" className={danger ? 'btn bg-red-600 hover:bg-red-500' : 'btn'} onClick={onConfirm}>
              {confirmLabel}
            </button>
          </div>
        </>
      )}
    </dialog>
  );
}
