import { busStats } from './bus-stats';
import { metrics, windowOf } from './registry';
import { quantileOf } from './rolling';
import type { SeriesName } from './names';
import { MINUTE } from './rollup';

/** Departments memory knows of (pools, agents, queues, windows). */
export function knownDepartments(): string[] {
  const m = metrics();
  const ids = new Set<string>([...m.windows.keys()].filter(Boolean));
  for (const p of m.gauges.pools) ids.add(p.departmentId);
  for (const d of m.gauges.agents.keys()) ids.add(d);
  return [...ids].sort();
}

/**
 * The minute in progress, not yet rolled up, from memory: short ranges end with it so their
 * charts move between roll-ups. null when memory holds nothing for that series.
 */
export function liveMinuteValue(name: SeriesName, departmentIds: string[] | null, now = Date.now()): number | null {
  const m = metrics();
  const start = Math.floor(now / MINUTE) * MINUTE;
  const scopes = departmentIds ?? [''];
  const counts = () => scopes.map((d) => windowOf(d).sumBetween(start - 1, now));
  const sum = (f: (c: ReturnType<typeof counts>[number]) => number) => counts().reduce((a, c) => a + f(c), 0);
  const inScope = (d: string) => !departmentIds || departmentIds.includes(d);
  switch (name) {
    case 'tasks_created':
      return sum((c) => c.created);
    case 'tasks_assigned':
      return sum((c) => c.assigned);
    case 'tasks_completed':
      return sum((c) => c.completed);
    case 'tasks_failed':
      return sum((c) => c.failed);
    case 'tasks_dead':
      return sum((c) => c.dead);
    case 'bus_messages':
      return departmentIds
        ? null
        : busStats(now)
            .series.filter((s) => s.t >= start)
            .reduce((a, s) => a + s.messages, 0);
    case 'assign_latency_p50':
    case 'assign_latency_p95':
    case 'assign_latency_p99': {
      const xs = scopes.flatMap((d) => windowOf(d).latenciesBetween(start - 1, now)).sort((a, b) => a - b);
      const q = name === 'assign_latency_p50' ? 0.5 : name === 'assign_latency_p95' ? 0.95 : 0.99;
      return xs.length ? quantileOf(xs, q) : null;
    }
    case 'queue_depth': {
      let n = 0;
      for (const [d, q] of m.gauges.queue) if (inScope(d)) n += q;
      return n;
    }
    case 'agents_idle':
    case 'agents_busy':
    case 'agents_draining':
    case 'agents_offline': {
      const state = name.slice('agents_'.length);
      let n = 0;
      for (const [d, s] of m.gauges.agents) if (inScope(d)) n += s[state] ?? 0;
      return n;
    }
    case 'resource_allocated':
    case 'resource_capacity':
    case 'resource_use': {
      let cap = 0;
      let used = 0;
      for (const p of m.gauges.pools) {
        if (!inScope(p.departmentId)) continue;
        cap += p.capacity;
        used += p.allocated;
      }
      if (!m.gauges.refreshedAt) return null;
      return name === 'resource_allocated' ? used : name === 'resource_capacity' ? cap : cap ? used / cap : 0;
    }
  }
}
