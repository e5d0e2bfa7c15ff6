import { getDb } from '@/db/client';
import { runtimeState } from '@/lib/health';
import { publishLive } from '@/lib/live';
import { refreshGauges } from '@/lib/metrics/gauges';
import { metrics } from '@/lib/metrics/registry';
import { setSocketConnections } from '@/lib/metrics/record';
import { snapshot } from '@/lib/status/snapshot';
import type { Job } from '../jobs/registry';

/**
 * Room that only global console users are in: the console namespace routes a scope `s` to
 * `console:all` plus `console:dept:s`, and `*` is no department id (ids are slugs), so the
 * system-wide snapshot reaches global users only.
 */
export const GLOBAL_ONLY_SCOPE = '*';

export type LiveOptions = { pushMs?: number; gaugeMs?: number; enabled?: boolean };

/**
 * Every 2 s, one compact snapshot system-wide and one per department, computed from memory only;
 * the gauges behind them (agents, queue, pools) are re-read from the database every 10 s, once
 * per process, however many tabs are open. Both serve this process's console sockets.
 */
export function metricsLiveJobs(opts: LiveOptions = {}): Job[] {
  const jobs: Job[] = [
    {
      name: 'metrics.gauges',
      scope: 'every-process',
      everyMs: opts.gaugeMs ?? 10_000,
      firstDelayMs: 0,
      housekeeping: true,
      run: () => refreshGauges(getDb()),
    },
  ];
  if (opts.enabled !== false)
    jobs.push({ name: 'metrics.live-push', scope: 'every-process', everyMs: opts.pushMs ?? 2_000, run: async () => pushSnapshots() });
  return jobs;
}

export function pushSnapshots(now = Date.now()): number {
  const bus = runtimeState().bus;
  setSocketConnections('/agents', bus.agentsConnected);
  setSocketConnections('/console', bus.consolesConnected);
  // Nobody watching: nothing to compute.
  if (bus.consolesConnected === 0) return 0;
  const m = metrics();
  const depts = new Set<string>([...m.windows.keys()].filter(Boolean));
  for (const d of m.gauges.agents.keys()) depts.add(d);
  for (const d of m.gauges.queue.keys()) depts.add(d);
  publishLive({ type: 'metrics', scope: GLOBAL_ONLY_SCOPE, data: snapshot(null, now) });
  for (const d of depts) publishLive({ type: 'metrics', scope: d, data: snapshot(d, now) });
  return depts.size + 1;
}
