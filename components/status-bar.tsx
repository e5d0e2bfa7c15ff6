'use client';

import { useEffect, useState } from 'react';

type Health = { status: 'ok' | 'degraded' | 'down'; dbReachable: boolean; bus: { listening: boolean; redis: string } };

/** A bar across the console while /api/health reports anything but ok; checked every 15 s. */
export function StatusBar({ initial }: { initial: Health }) {
  const [h, setH] = useState(initial);
  useEffect(() => {
    const timer = setInterval(async () => {
      try {
        const res = await fetch('/api/health', { cache: 'no-store' });
        setH(await res.json());
      } catch {
        setH((prev) => ({ ...prev, status: 'down' }));
      }
    }, 15_000);
    return () => clearInterval(timer);
  }, []);
  if (h.status === 'ok') return null;
  const parts = [
    !h.dbReachable && 'database unreachable',
    !h.bus.listening && 'bus not listening',
    h.bus.redis === 'down' && 'Redis down',
  ].filter(Boolean);
  return (
    <div
      role="status"
      data-testid="status-bar"
      className={`px-6 py-2 text-sm font-medium text-white ${h.status === 'down' ? 'bg-red-600' : 'bg-amber-600'}`}
    >
      System {h.status}
      {parts.length ? `: ${parts.join(', ')}` : ''}
    </div>
  );
}
