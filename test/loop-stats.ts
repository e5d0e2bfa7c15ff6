import { monitorEventLoopDelay } from 'node:perf_hooks';

export type LoopStats = {
  /** Event-loop delay since the last reset, in ms. */
  eld: { p50: number; p99: number; max: number; mean: number };
  /** Times the loop was blocked for more than 100 ms since the last reset. */
  stalls: number;
  heapUsedMb: number;
  rssMb: number;
  /** True when heapUsedMb was read right after a forced full GC (the process runs with --expose-gc). */
  afterGc: boolean;
};

const STALL_MS = 100;
const TICK_MS = 20;
const RESOLUTION_MS = 10;

/**
 * Event-loop health of this process for soak runs: Node's delay histogram for percentiles, and a
 * timer that counts blocks over 100 ms (the histogram can't count above a threshold). Heap size
 * after a forced GC is the number that shows a leak; the GC itself blocks the loop, so a reset
 * after it (200 ms later, once the late tick has landed) keeps it out of the delay figures.
 */
export function startLoopStats(): { read: (opts?: { gc?: boolean; reset?: boolean }) => LoopStats; stop: () => void } {
  const h = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  h.enable();
  let stalls = 0;
  let last = performance.now();
  const tick = setInterval(() => {
    const now = performance.now();
    if (now - last - TICK_MS > STALL_MS) stalls++;
    last = now;
  }, TICK_MS);
  tick.unref();
  // The histogram records the time between its timer's runs, the sampling interval included.
  const ms = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 10) / 10);
  return {
    read: (opts = {}) => {
      const eld = { p50: ms(h.percentile(50)), p99: ms(h.percentile(99)), max: ms(h.max), mean: ms(h.mean) };
      const gc = (globalThis as { gc?: () => void }).gc;
      const afterGc = Boolean(opts.gc && gc);
      if (afterGc) {
        gc!();
        gc!();
      }
      if (opts.reset) {
        setTimeout(() => {
          h.reset();
          stalls = 0;
        }, 200).unref();
      }
      const mem = process.memoryUsage();
      return { eld, stalls, heapUsedMb: Math.round(mem.heapUsed / 2 ** 20), rssMb: Math.round(mem.rss / 2 ** 20), afterGc };
    },
    stop: () => {
      clearInterval(tick);
      h.disable();
    },
  };
}
