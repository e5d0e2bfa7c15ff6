'use client';

import { useCallback, useState, useTransition } from 'react';
import { useRouter } from 'next/navigation';
import { useLiveAlerts } from '../_monitoring/use-console-socket';
import { acknowledgeAlertAction, resolveAlertAction } from './actions';

export function AlertButtons({ id, status, canAck, canResolve }: { id: string; status: string; canAck: boolean; canResolve: boolean }) {
  const [pending, start] = useTransition();
  const [error, setError] = useState<string>();
  const run = (a: 'acknowledge' | 'resolve') =>
    start(async () => {
      const form = new FormData();
      form.set('id', id);
      const r = await (a === 'acknowledge' ? acknowledgeAlertAction : resolveAlertAction)({}, form);
      setError(r.error);
    });
  return (
    <div className="flex items-center gap-2">
      {status === 'open' && canAck && (
        <button type="button" className="btn-secondary" disabled={pending} onClick={() => run('acknowledge')}>
          Acknowledge
        </button>
      )}
      {status !== 'resolved' && canResolve && (
        <button type="button" className="btn-secondary" disabled={pending} onClick={() => run('resolve')}>
          Resolve
        </button>
      )}
      {error && <span className="text-xs text-red-600">{error}</span>}
    </div>
  );
}

/** Re-renders the list when an alert is raised, acknowledged or resolved anywhere. */
export function LiveAlertRefresh() {
  const router = useRouter();
  const [count, setCount] = useState(0);
  const onAlert = useCallback(() => {
    setCount((c) => c + 1);
    router.refresh();
  }, [router]);
  useLiveAlerts(onAlert);
  return (
    <span className="text-xs text-slate-500 dark:text-slate-400" data-testid="alert-pushes">
      live{count ? ` · ${count} update${count === 1 ? '' : 's'}` : ''}
    </span>
  );
}
