/**
 * In-memory rolling figures for the live tiles and the alert rules. Dashboards read these, never
 * aggregates over the tasks table: a tab open on the Overview costs no query.
 *
 * Counts sit in one-second slots of a ring (15 minutes); latencies in a bounded reservoir with
 * their timestamps. Every call takes `now` so tests can drive a fake clock.
 */
export type CountKey = 'created' | 'assigned' | 'completed' | 'failed' | 'dead' | 'busMessages' | 'busDeliveries';
export const countKeys: CountKey[] = ['created', 'assigned', 'completed', 'failed', 'dead', 'busMessages', 'busDeliveries'];

const SLOTS = 15 * 60;
// Enough for a minute of assignments at ~270/s; beyond that the oldest samples of the minute drop.
const RESERVOIR = 16384;

type Counts = Record<CountKey, number>;
const zero = (): Counts => ({ created: 0, assigned: 0, completed: 0, failed: 0, dead: 0, busMessages: 0, busDeliveries: 0 });

/** One scope's ring: the whole system or one department. */
export class RollingWindow {
  private slots: Counts[] = Array.from({ length: SLOTS }, zero);
  private stamps = new Float64Array(SLOTS).fill(-1);
  private lat = new Float64Array(RESERVOIR);
  private latAt = new Float64Array(RESERVOIR).fill(-Infinity);
  private latNext = 0;

  add(key: CountKey, n: number, now: number): void {
    this.slot(now)[key] += n;
  }

  addLatency(ms: number, now: number): void {
    this.lat[this.latNext] = ms;
    this.latAt[this.latNext] = now;
    this.latNext = (this.latNext + 1) % RESERVOIR;
  }

  /** Sum of each count over the last `windowMs` (at most 15 minutes). */
  sum(windowMs: number, now: number): Counts {
    return this.sumBetween(now - windowMs, now);
  }

  /** Sum over the whole seconds in (from, to]; the ring holds the last 15 minutes. */
  sumBetween(from: number, to: number): Counts {
    const out = zero();
    const toSec = Math.floor(to / 1000);
    const span = Math.min(SLOTS, toSec - Math.floor(from / 1000));
    for (let i = 0; i < span; i++) {
      const sec = toSec - i;
      const idx = ((sec % SLOTS) + SLOTS) % SLOTS;
      if (this.stamps[idx] !== sec) continue;
      const s = this.slots[idx];
      for (const k of countKeys) out[k] += s[k];
    }
    return out;
  }

  /** The q-quantile (0..1) of assignment latencies recorded in the last `windowMs`; null when none. */
  quantile(q: number, windowMs: number, now: number): number | null {
    const xs = this.latencies(windowMs, now);
    return xs.length ? quantileOf(xs, q) : null;
  }

  latencies(windowMs: number, now: number): number[] {
    return this.latenciesBetween(now - windowMs, now);
  }

  /** Sorted latencies recorded in (from, to]. */
  latenciesBetween(from: number, to: number): number[] {
    // A typed array sorts numerically, without a comparator call per pair: several times faster.
    return Array.from(this.latencyValuesBetween(from, to).sort());
  }

  /** Latencies recorded in (from, to], unsorted: a copy the caller (or a worker thread) may sort. */
  latencyValuesBetween(from: number, to: number): Float64Array {
    const xs = new Float64Array(RESERVOIR);
    let n = 0;
    for (let i = 0; i < RESERVOIR; i++) if (this.latAt[i] > from && this.latAt[i] <= to) xs[n++] = this.lat[i];
    return xs.slice(0, n);
  }

  private slot(now: number): Counts {
    const sec = Math.floor(now / 1000);
    const idx = ((sec % SLOTS) + SLOTS) % SLOTS;
    if (this.stamps[idx] !== sec) {
      this.stamps[idx] = sec;
      this.slots[idx] = zero();
    }
    return this.slots[idx];
  }
}

/** Nearest-rank quantile of a sorted array. */
export function quantileOf(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank];
}

/**
 * Each series' q-quantiles, sorting it in place. Plain data in and out, no imports: the roll-up
 * runs it in the worker pool when the reservoirs are full (lib/metrics/rollup.ts).
 */
export function quantilesOf(series: Float64Array[], qs: readonly number[]): number[][] {
  return series.map((xs) => {
    xs.sort();
    return qs.map((q) => quantileOf(xs, q));
  });
}
