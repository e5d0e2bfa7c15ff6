import { AsyncLocalStorage } from 'node:async_hooks';

type Activity = { unobserved: AsyncLocalStorage<true>; listeners: Set<() => void> };

/** On globalThis: the custom server and Next's bundled route handlers load this module separately. */
function state(): Activity {
  const g = globalThis as { __ecsDbActivity?: Activity };
  return (g.__ecsDbActivity ??= { unobserved: new AsyncLocalStorage(), listeners: new Set() });
}

/** A statement that may change rows: anything but a plain read (a `select … for update` counts). */
export function mayWrite(text: string): boolean {
  return !/^\s*(select|show)\b/i.test(text) || /\b(insert|update|delete)\b/i.test(text);
}

/**
 * Called by the embedded database for each statement (and once per transaction, `text` unset):
 * a possible write outside `unobserved` tells the listeners. Background jobs that poll for due
 * work back off while nothing is written (server/jobs/registry.ts) and start again from here.
 */
export function noteStatement(text?: string): void {
  const s = state();
  if (!s.listeners.size || s.unobserved.getStore()) return;
  if (text !== undefined && !mayWrite(text)) return;
  for (const fn of s.listeners) fn();
}

/** Hears possible writes; answers the function that stops it. */
export function onDbWrite(fn: () => void): () => void {
  const s = state();
  s.listeners.add(fn);
  return () => void s.listeners.delete(fn);
}

/**
 * Runs `fn` with its statements unheard: a job's own polling must not count as new work. The mark
 * follows everything `fn` starts (timers, promises), so work it sets off for others must leave it
 * through `observed`.
 */
export function unobserved<T>(fn: () => Promise<T>): Promise<T> {
  return state().unobserved.run(true, fn);
}

/**
 * Runs `fn` heard again, whoever calls it. For hand-offs to work that serves others: a dispatch
 * pass started by a signal from inside a job's run goes on serving every later signal while it
 * loops, and its hand-outs are leases the resting jobs must hear about.
 */
export function observed<T>(fn: () => T): T {
  return state().unobserved.exit(fn);
}
