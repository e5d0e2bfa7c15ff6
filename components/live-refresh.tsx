'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { io } from 'socket.io-client';

/**
 * Re-renders the page's server components when the console namespace pushes one of `events`,
 * at most once a second, so tables stay live without polling.
 */
export function LiveRefresh({ events }: { events: string[] }) {
  const router = useRouter();
  const pending = useRef(false);
  const [connected, setConnected] = useState(false);
  const key = events.join(',');
  useEffect(() => {
    const socket = io('/console', { transports: ['websocket'], withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEvent = () => {
      if (pending.current) return;
      pending.current = true;
      timer = setTimeout(() => {
        pending.current = false;
        router.refresh();
      }, 1000);
    };
    socket.on('connect', () => setConnected(true));
    socket.on('disconnect', () => setConnected(false));
    for (const e of key.split(',')) socket.on(e, onEvent);
    return () => {
      clearTimeout(timer);
      socket.disconnect();
    };
  }, [key, router]);
  return (
    <span className="inline-flex items-center gap-1 text-xs text-slate-500 dark:text-slate-400" data-testid="live-indicator" data-connected={connected}>
      <span aria-hidden className={`h-2 w-2 rounded-full ${connected ? 'bg-emerald-500' : 'bg-slate-400'}`} />
      {connected ? 'Live' : 'Connecting…'}
    </span>
  );
}
