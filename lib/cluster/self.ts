import { busStats, recentLatencyCounts, type BusStats } from '../metrics/bus-stats';
import { runtimeState } from '../health';
import { metrics } from '../metrics/registry';
import { self } from '../process/identity';

/** What one process tells the others every beat (the `report` of its cluster_processes row). */
export type ProcessReport = {
  agentsConnected: number;
  consolesConnected: number;
  /** p99 of the event loop's delay over the last beat interval. */
  eventLoopDelayP99Ms: number | null;
  rssBytes: number;
  heapUsedBytes: number;
  /** The once-per-cluster jobs this process runs now. */
  leads: string[];
  bus: Omit<BusStats, 'latencyMs'> & { latencyMs: Omit<BusStats['latencyMs'], 'p50' | 'p99'> & { recent: number[] } };
  /** Live-tile counts from this process's rolling windows, per department ('' = all). */
  windows: Record<string, WindowCounts>;
};
export type WindowCounts = {
  created1: number;
  completed1: number;
  failed1: number;
  completed5: number;
  failed5: number;
  p95AssignmentMs: number | null;
};

const TOP_TOPICS = 50;
const MIN = 60_000;

/** What this process counts now. `resetLoopDelay`: start the next interval's event-loop sample (the beat does). */
export function selfReport(opts: { resetLoopDelay?: boolean; now?: number } = {}): ProcessReport {
  const now = opts.now ?? Date.now();
  const me = self();
  const rt = runtimeState();
  const mem = process.memoryUsage();
  const h = me.loopDelay;
  const p99 = h.count ? Math.round((h.percentile(99) / 1e6) * 10) / 10 : null;
  if (opts.resetLoopDelay) h.reset();
  const { latencyMs, topics, ...bus } = busStats(now);
  const { p50: _p50, p99: _p99, ...latency } = latencyMs;
  const windows: Record<string, WindowCounts> = {};
  for (const [scope, w] of metrics().windows) {
    const one = w.sum(MIN, now);
    const five = w.sum(5 * MIN, now);
    windows[scope] = {
      created1: one.created,
      completed1: one.completed,
      failed1: one.failed,
      completed5: five.completed,
      failed5: five.failed,
      p95AssignmentMs: w.quantile(0.95, 5 * MIN, now),
    };
  }
  return {
    agentsConnected: rt.bus.agentsConnected,
    consolesConnected: rt.bus.consolesConnected,
    eventLoopDelayP99Ms: p99,
    rssBytes: mem.rss,
    heapUsedBytes: mem.heapUsed,
    leads: (rt.jobs?.() ?? []).filter((j) => j.scope === 'once-per-cluster' && j.leader).map((j) => j.name),
    bus: { ...bus, topics: topics.slice(0, TOP_TOPICS), latencyMs: { ...latency, recent: recentLatencyCounts() } },
    windows,
  };
}
