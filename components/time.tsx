'use client';

import { useSyncExternalStore } from 'react';
import { formatFull, formatRelative, formatTime } from '@/lib/format/time';

const noop = () => () => {};
/** False while hydrating server HTML, true after: the server doesn't know the viewer's zone. */
const useOnClient = () =>
  useSyncExternalStore(
    noop,
    () => true,
    () => false,
  );

// One ticking clock for every relative time on the page.
let now = Date.now();
const listeners = new Set<() => void>();
let timer: ReturnType<typeof setInterval> | undefined;
function subscribeNow(cb: () => void) {
  listeners.add(cb);
  if (!timer) {
    now = Date.now();
    timer = setInterval(() => {
      now = Date.now();
      for (const l of listeners) l();
    }, 15_000);
  }
  return () => {
    listeners.delete(cb);
    if (listeners.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
}
const useNow = () =>
  useSyncExternalStore(
    subscribeNow,
    () => now,
    () => 0,
  );

// Rendered before the viewer's zone is known: ISO in UTC, labelled, the same on server and client.
const isoFallback = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

/**
 * A time as the viewer reads it: in their zone with the zone named ("13:35:16 PST"), or relative
 * ("3 min ago") with the exact time on hover. Server components render this instead of formatting
 * dates themselves, so no page shows the server's zone.
 */
export function Time({
  value,
  relative = false,
  className,
}: {
  value: string | Date | number | null | undefined;
  relative?: boolean;
  className?: string;
}) {
  const onClient = useOnClient();
  const current = useNow();
  if (value === null || value === undefined || value === '') return <>—</>;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) return <>—</>;
  const iso = d.toISOString();
  if (!onClient)
    return (
      <time dateTime={iso} className={className}>
        {isoFallback(iso)}
      </time>
    );
  const full = formatFull(d);
  // The shared clock beats every 15 s; between beats a freshly mounted label reads the wall clock.
  const at = new Date(Math.max(current, Date.now()));
  return (
    <time dateTime={iso} className={className} title={relative ? full : `${full} · ${formatRelative(d, at)}`}>
      {relative ? formatRelative(d, at) : formatTime(d, { now: at })}
    </time>
  );
}
