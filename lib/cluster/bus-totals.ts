import type { Db } from '@/db/client';
import { authorize, isGlobal, type Principal } from '../permissions/rbac';
import { busStats, LATENCY_BUCKETS_MS, type BusStats } from '../metrics/bus-stats';
import { forbidden } from '../errors';
import { clusterParts, processView, type ClusterPart, type ProcessView } from './processes';

export type ClusterBusStats = BusStats & { processes: ProcessView[] };

const add = <T extends Record<string, number>>(a: T, b: T): T => {
  const out = { ...a } as Record<string, number>;
  for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v;
  return out as T;
};

/**
 * A quantile from bucket counts (last slot: above the highest bound), interpolated inside the
 * bucket as Prometheus's histogram_quantile does: the processes' samples can't be merged, their counts can.
 */
export function quantileFromCounts(counts: number[], q: number): number | null {
  const total = counts.reduce((a, b) => a + b, 0);
  if (!total) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    if (seen + counts[i] >= rank && counts[i] > 0) {
      if (i === LATENCY_BUCKETS_MS.length) return LATENCY_BUCKETS_MS[i - 1];
      const lo = i === 0 ? 0 : LATENCY_BUCKETS_MS[i - 1];
      return lo + (LATENCY_BUCKETS_MS[i] - lo) * ((rank - seen) / counts[i]);
    }
    seen += counts[i];
  }
  return LATENCY_BUCKETS_MS[LATENCY_BUCKETS_MS.length - 1];
}

/**
 * The bus figures of the whole cluster: counters, rates, connections and topic subscribers add up;
 * the buffer (shared in Redis, each process seeing it at its own moment) is the largest seen;
 * latency percentiles come from the processes' recent samples counted per bucket. One process
 * alone answers its own exact figures.
 */
export function combineBusStats(parts: ClusterPart[], now = Date.now()): ClusterBusStats {
  const local = busStats(now);
  const processes = parts.map((p) => processView(p, now));
  const peers = parts.filter((p) => !p.self);
  if (!peers.length) return { ...local, processes };
  const out: BusStats = structuredClone(local);
  const recent = parts.find((p) => p.self)?.report.bus.latencyMs.recent.slice() ?? [];
  const series = new Map(out.series.map((s) => [s.t, s]));
  const topics = new Map(out.topics.map((t) => [t.name, t.subscribers]));
  const redis = new Set([out.redis]);
  for (const p of peers) {
    const b = p.report.bus;
    const { messages, ...rest } = b.totals;
    const { messages: ownMessages, ...ownRest } = out.totals;
    out.totals = { ...add(ownRest, rest), messages: add(ownMessages, messages) };
    out.rates = add(out.rates, b.rates);
    out.connections += b.connections;
    out.bufferDepth = b.redis === 'off' ? out.bufferDepth + b.bufferDepth : Math.max(out.bufferDepth, b.bufferDepth);
    out.drops = add(out.drops, b.drops);
    out.latencyMs.count += b.latencyMs.count;
    out.latencyMs.sum += b.latencyMs.sum;
    out.latencyMs.buckets = out.latencyMs.buckets.map((x, i) => ({ le: x.le, count: x.count + (b.latencyMs.buckets[i]?.count ?? 0) }));
    b.latencyMs.recent.forEach((n, i) => (recent[i] = (recent[i] ?? 0) + n));
    // Seconds a peer hasn't reported yet (after its last beat) count what the others saw.
    for (const s of b.series) {
      const slot = series.get(s.t);
      if (slot) {
        slot.messages += s.messages;
        slot.deliveries += s.deliveries;
      }
    }
    for (const t of b.topics) topics.set(t.name, (topics.get(t.name) ?? 0) + t.subscribers);
    redis.add(b.redis);
  }
  out.latencyMs.p50 = quantileFromCounts(recent, 0.5);
  out.latencyMs.p99 = quantileFromCounts(recent, 0.99);
  out.topics = [...topics].map(([name, subscribers]) => ({ name, subscribers })).sort((a, b) => b.subscribers - a.subscribers);
  out.redis = redis.has('down') ? 'down' : redis.has('up') ? 'up' : 'off';
  return { ...out, processes };
}

/**
 * The bus figures for the console and scripts, summed over every live process. They are the
 * whole fleet's (every department's traffic and every topic's name), so only roles that see every
 * department may read them.
 */
export async function readBusStats(db: Db, principal: Principal): Promise<ClusterBusStats> {
  authorize(principal, 'metrics:read');
  if (!isGlobal(principal)) throw forbidden('Bus figures cover every department: organisation-wide roles only');
  return combineBusStats(await clusterParts(db));
}
