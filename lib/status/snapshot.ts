import { busStats } from '../metrics/bus-stats';
import { metrics, windowOf } from '../metrics/registry';
import { cachedPeers } from '../cluster/processes';

/** The compact figures a live tile shows; pushed every 2 s, computed from memory only. */
export type MetricsSnapshot = {
  departmentId: string | null;
  at: number;
  agents: Record<string, number>;
  queueDepth: number;
  tasksPerMin: number;
  completedPerMin: number;
  failedPerMin: number;
  /** completed / (completed + failed) over the last 5 minutes; null before anything finished. */
  completionRate: number | null;
  p95AssignmentMs: number | null;
  /** System-wide only (the bus doesn't count per department); null in department snapshots. */
  busMsgPerSec: number | null;
  resourceUse: number;
};

const MIN = 60_000;

export function snapshot(departmentId: string | null, now = Date.now()): MetricsSnapshot {
  const m = metrics();
  const w = windowOf(departmentId ?? '');
  const last = { ...w.sum(MIN, now) };
  const five = { ...w.sum(5 * MIN, now) };
  let p95 = w.quantile(0.95, 5 * MIN, now);
  let busRate = busStats(now).rates.messagesPerSecond;
  // Task events and bus traffic are counted by the process that saw them: add the other
  // processes' counts as of their last beat (lib/cluster/), so every process shows the cluster.
  for (const peer of cachedPeers(now)) {
    const c = peer.report.windows[departmentId ?? ''];
    busRate += peer.report.bus.rates.messagesPerSecond;
    if (!c) continue;
    last.created += c.created1;
    last.completed += c.completed1;
    last.failed += c.failed1;
    five.completed += c.completed5;
    five.failed += c.failed5;
    if (c.p95AssignmentMs !== null) p95 = Math.max(p95 ?? 0, c.p95AssignmentMs);
  }
  const finished = five.completed + five.failed;
  const agents: Record<string, number> = {};
  for (const [dept, byState] of m.gauges.agents) {
    if (departmentId && dept !== departmentId) continue;
    for (const [s, n] of Object.entries(byState)) agents[s] = (agents[s] ?? 0) + n;
  }
  let queueDepth = 0;
  for (const [dept, n] of m.gauges.queue) if (!departmentId || dept === departmentId) queueDepth += n;
  let cap = 0;
  let used = 0;
  for (const p of m.gauges.pools) {
    if (departmentId && p.departmentId !== departmentId) continue;
    cap += p.capacity;
    used += p.allocated;
  }
  return {
    departmentId,
    at: now,
    agents,
    queueDepth,
    tasksPerMin: last.created,
    completedPerMin: last.completed,
    failedPerMin: last.failed,
    completionRate: finished ? five.completed / finished : null,
    p95AssignmentMs: p95,
    busMsgPerSec: departmentId ? null : Math.round(busRate * 10) / 10,
    resourceUse: cap ? used / cap : 0,
  };
}

/**
 * Several departments' snapshots as one, for callers confined to those departments: counts add,
 * the completion rate re-weights by volume, and p95 takes the worst (a sum of p95s means nothing).
 */
export function combineSnapshots(parts: MetricsSnapshot[], departmentId: string | null, now = Date.now()): MetricsSnapshot {
  const out: MetricsSnapshot = {
    departmentId,
    at: now,
    agents: {},
    queueDepth: 0,
    tasksPerMin: 0,
    completedPerMin: 0,
    failedPerMin: 0,
    completionRate: null,
    p95AssignmentMs: null,
    busMsgPerSec: null,
    resourceUse: 0,
  };
  let done = 0;
  let fin = 0;
  for (const p of parts) {
    for (const [s, n] of Object.entries(p.agents)) out.agents[s] = (out.agents[s] ?? 0) + n;
    out.queueDepth += p.queueDepth;
    out.tasksPerMin += p.tasksPerMin;
    out.completedPerMin += p.completedPerMin;
    out.failedPerMin += p.failedPerMin;
    if (p.busMsgPerSec !== null) out.busMsgPerSec = (out.busMsgPerSec ?? 0) + p.busMsgPerSec;
    if (p.completionRate !== null) {
      const f = p.completedPerMin + p.failedPerMin || 1;
      done += p.completionRate * f;
      fin += f;
    }
    if (p.p95AssignmentMs !== null) out.p95AssignmentMs = Math.max(out.p95AssignmentMs ?? 0, p.p95AssignmentMs);
    out.resourceUse = Math.max(out.resourceUse, p.resourceUse);
  }
  out.completionRate = fin ? done / fin : null;
  return out;
}
