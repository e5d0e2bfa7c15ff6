'use client';

import { useEffect, useRef, useState } from 'react';
import { useRouter } from 'next/navigation';
import { io } from 'socket.io-client';
import { setLivePaused, useLivePaused } from './live-pause';

const MIN_GAP_MS = 1000;

/**
 * Re-renders the page's server components when the console namespace pushes one of `events`,
 * at most once a second, so tables stay live without polling. "Pause live" stops the refreshes;
 * resuming catches up at once if anything happened meanwhile.
 */
export function LiveRefresh({ events }: { events: string[] }) {
  const router = useRouter();
  const paused = useLivePaused();
  const pausedRef = useRef(paused);
  const missed = useRef(false);
  const [connected, setConnected] = useState(false);
  const key = events.join(',');

  useEffect(() => {
    pausedRef.current = paused;
    if (!paused && missed.current) {
      missed.current = false;
      router.refresh();
    }
  }, [paused, router]);

  useEffect(() => {
    const socket = io('/console', { transports: ['websocket'], withCredentials: true });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const onEvent = () => {
      if (pausedRef.current) {
        missed.current = true;
        return;
      }
      if (timer) return;
      timer = setTimeout(() => {
        timer = undefined;
        if (pausedRef.current) missed.current = true;
        else router.refresh();
      }, MIN_GAP_MS);
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
    <span className="inline-flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
      <span className="inline-flex items-center gap-1" data-testid="live-indicator" data-connected={connected} data-paused={paused}>
        <span aria-hidden className={`h-2 w-2 rounded-full ${paused ? 'bg-amber-500' : connected ? 'bg-emerald-500' : 'bg-slate-400'}`} />
        {paused ? 'Paused' : connected ? 'Live' : 'Connecting…'}
      </span>
      {/* A switch, not a button: its name stays put, and pages' own "Pause" buttons keep theirs. */}
      <button
        type="button"
        role="switch"
        aria-checked={paused}
        className={`btn-secondary ${paused ? 'border-amber-500 bg-amber-50 text-amber-900 dark:bg-amber-950 dark:text-amber-200' : ''}`}
        onClick={() => setLivePaused(!paused)}
        data-testid="live-pause"
      >
        Pause live
      </button>
    </span>
  );
}
