'use client';

import { useEffect, useState } from 'react';
import { io } from 'socket.io-client';
import { Time } from '@/components/time';

type Alert = { id: string; kind: string; severity: string; username?: string | null; ip?: string | null; at: string; source?: string };

/** Security events as they happen: the /console namespace sends them only to security readers. */
export function LiveSecurityAlerts() {
  const [alerts, setAlerts] = useState<Alert[]>([]);
  const [connected, setConnected] = useState(false);
  useEffect(() => {
    const socket = io('/console', { transports: ['websocket'] });
    socket.on('connect', () => setConnected(true));
    socket.on('disconnect', () => setConnected(false));
    socket.on('alert', (a: Alert) => {
      if (a.source === 'security') setAlerts((prev) => [a, ...prev].slice(0, 20));
    });
    return () => {
      socket.close();
    };
  }, []);
  return (
    <section className="card" aria-live="polite" data-testid="live-alerts">
      <h2 className="mb-2 font-semibold">
        Live{' '}
        <span className={`ml-1 inline-block h-2 w-2 rounded-full ${connected ? 'bg-emerald-500' : 'bg-slate-400'}`} aria-hidden="true" />
        <span className="sr-only">{connected ? 'connected' : 'disconnected'}</span>
      </h2>
      {alerts.length === 0 ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">New security events appear here as they happen.</p>
      ) : (
        <ul className="space-y-1 text-sm">
          {alerts.map((a) => (
            <li key={a.id}>
              <strong>{a.kind}</strong> ({a.severity}) {a.username ?? ''} {a.ip ?? ''} · <Time value={a.at} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
