import type { Db } from '@/db/client';
import { hasSampleAt, insertSamples, pruneSamples, type SampleInput } from '@/db/queries/metrics';
import { refreshGauges } from './gauges';
import { busStats } from './bus-stats';
import { metrics, windowOf } from './registry';
import { quantilesOf } from './rolling';
import { poolWorkIfStarted } from '../pool-work';
import type { SeriesName } from './names';

export const MINUTE = 60_000;

/**
 * `counts`: what this process saw (task events, latencies, bus messages), from its in-memory
 * windows; each process writes its own rows and readers sum them. `levels`: queue, agents and
 * pools, read from the database; one process writes them for the cluster, or they would count N times.
 */
export type RollupPart = 'all' | 'counts' | 'levels';

/**
 * Writes one row per series for the minute starting at `minuteStart` (system-wide and per
 * department): event counts and latency percentiles from the in-memory windows, levels (queue,
 * agents, pools) from a fresh read of the database.
 */
export async function rollUpMinute(db: Db, minuteStart: number, part: RollupPart = 'all'): Promise<number> {
  const pools = await refreshGauges(db);
  const m = metrics();
  const at = new Date(minuteStart);
  const rows: SampleInput[] = [];
  const put = (name: SeriesName, departmentId: string | null, value: number) => rows.push({ at, name, departmentId, value });

  const depts = new Set<string>([...m.windows.keys()].filter(Boolean));
  for (const d of m.gauges.agents.keys()) depts.add(d);
  for (const d of m.gauges.queue.keys()) depts.add(d);
  for (const p of pools) depts.add(p.departmentId);

  if (part !== 'levels') await rollUpCounts(put, depts, minuteStart);
  if (part !== 'counts') rollUpLevels(put, depts, pools);
  await insertSamples(db, rows);
  return rows.length;
}

/** Whether the minute's levels are in already: a new leader doesn't write a minute twice. */
export async function levelsRolledUp(db: Db, minuteStart: number): Promise<boolean> {
  return hasSampleAt(db, 'queue_depth', new Date(minuteStart));
}

type Put = (name: SeriesName, departmentId: string | null, value: number) => void;

const QUANTILES = [0.5, 0.95, 0.99];
/**
 * Past this many latencies in a minute (each window keeps at most 16,384), sorting them is tens to
 * hundreds of milliseconds of the event loop: the worker pool sorts them instead.
 */
export const POOL_MIN_LATENCIES = 20_000;

async function latencyQuantiles(series: Float64Array[]): Promise<number[][]> {
  const total = series.reduce((a, xs) => a + xs.length, 0);
  const pool = poolWorkIfStarted();
  return pool && total >= POOL_MIN_LATENCIES ? pool.quantiles(series, QUANTILES) : quantilesOf(series, QUANTILES);
}

async function rollUpCounts(put: Put, depts: Set<string>, minuteStart: number): Promise<void> {
  const m = metrics();
  const scopes = [null, ...depts];
  const latencies: Float64Array[] = [];
  for (const dept of scopes) {
    const w = windowOf(dept ?? '');
    // (minuteStart - 1, minuteStart + 59 999]: exactly the sixty one-second slots of the minute.
    const c = w.sumBetween(minuteStart - 1, minuteStart + MINUTE - 1);
    put('tasks_created', dept, c.created);
    put('tasks_assigned', dept, c.assigned);
    put('tasks_completed', dept, c.completed);
    put('tasks_failed', dept, c.failed);
    put('tasks_dead', dept, c.dead);
    latencies.push(w.latencyValuesBetween(minuteStart - 1, minuteStart + MINUTE - 1));
  }
  // The bus counts for itself (lib/metrics/bus-stats.ts): store what it accepted since the last roll-up.
  const busTotal = busStats().totals.messagesTotal;
  put('bus_messages', null, Math.max(0, busTotal - (m.gauges.busTotalAtRollup ?? 0)));
  m.gauges.busTotalAtRollup = busTotal;
  const quantiles = await latencyQuantiles(latencies);
  scopes.forEach((dept, i) => {
    if (!latencies[i].length) return;
    const [p50, p95, p99] = quantiles[i];
    put('assign_latency_p50', dept, p50);
    put('assign_latency_p95', dept, p95);
    put('assign_latency_p99', dept, p99);
  });
}

function rollUpLevels(put: Put, depts: Set<string>, pools: Awaited<ReturnType<typeof refreshGauges>>): void {
  const m = metrics();
  const agentTotals: Record<string, number> = {};
  let queueTotal = 0;
  for (const dept of depts) {
    const byState = m.gauges.agents.get(dept) ?? {};
    for (const s of ['idle', 'busy', 'draining', 'offline'] as const) {
      put(`agents_${s}`, dept, byState[s] ?? 0);
      agentTotals[s] = (agentTotals[s] ?? 0) + (byState[s] ?? 0);
    }
    const q = m.gauges.queue.get(dept) ?? 0;
    put('queue_depth', dept, q);
    queueTotal += q;
  }
  for (const s of ['idle', 'busy', 'draining', 'offline'] as const) put(`agents_${s}`, null, agentTotals[s] ?? 0);
  put('queue_depth', null, queueTotal);

  const byDept = new Map<string, { cap: number; used: number }>();
  for (const p of pools) {
    const t = byDept.get(p.departmentId) ?? { cap: 0, used: 0 };
    t.cap += p.capacity;
    t.used += p.allocated;
    byDept.set(p.departmentId, t);
  }
  let cap = 0;
  let used = 0;
  for (const [dept, t] of byDept) {
    put('resource_allocated', dept, t.used);
    put('resource_capacity', dept, t.cap);
    put('resource_use', dept, t.cap ? t.used / t.cap : 0);
    cap += t.cap;
    used += t.used;
  }
  put('resource_allocated', null, used);
  put('resource_capacity', null, cap);
  put('resource_use', null, cap ? used / cap : 0);
}

/** Drops samples older than the retention; the history table stays bounded. */
export async function pruneHistory(db: Db, retentionDays: number, now = Date.now()): Promise<number> {
  return pruneSamples(db, new Date(now - retentionDays * 24 * 3_600_000));
}
