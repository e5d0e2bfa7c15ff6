'use client';

import { useEffect, useState } from 'react';
import { io, type Socket } from 'socket.io-client';
import type { MetricsSnapshot } from '@/lib/status/snapshot';

let shared: { socket: Socket; users: number } | undefined;

/** One /console connection per tab, shared by every live widget on the page; the session cookie authenticates it. */
function acquire(): Socket {
  if (!shared) shared = { socket: io('/console', { withCredentials: true, transports: ['websocket'] }), users: 0 };
  shared.users++;
  return shared.socket;
}

function release() {
  if (shared && --shared.users === 0) {
    shared.socket.disconnect();
    shared = undefined;
  }
}

/** The latest pushed snapshot for the system (departmentId null) or one department. */
export function useLiveMetrics(departmentId: string | null, initial: MetricsSnapshot): MetricsSnapshot {
  const [snap, setSnap] = useState(initial);
  useEffect(() => {
    const socket = acquire();
    const on = (s: MetricsSnapshot) => {
      if (s.departmentId === departmentId) setSnap(s);
    };
    socket.on('metrics', on);
    return () => {
      socket.off('metrics', on);
      release();
    };
  }, [departmentId]);
  return snap;
}

/** Calls back on every alert push (raised, acknowledged, resolved, security events). */
export function useLiveAlerts(onAlert: (data: unknown) => void) {
  useEffect(() => {
    const socket = acquire();
    socket.on('alert', onAlert);
    return () => {
      socket.off('alert', onAlert);
      release();
    };
  }, [onAlert]);
}
