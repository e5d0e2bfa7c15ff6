import { getDb } from '@/db/client';
import { poolsWithKinds } from '@/db/queries/resources';
import { env } from '@/lib/env';
import { publishLive } from '@/lib/live';
import { runAutoscale } from '@/lib/resources/autoscale';
import { checkCapacityAlerts, sampleUtilisation } from '@/lib/resources/monitor';
import { runRebalance } from '@/lib/resources/rebalance';
import type { Job } from '../jobs/registry';

/**
 * Every RESOURCE_CHECK_INTERVAL: auto-scale (when AUTO_SCALING), sample utilisation, raise and
 * clear capacity alerts. Every REBALANCE_INTERVAL: move idle capacity toward queued demand.
 * Both change shared pools and alerts, so one process does them for the cluster.
 */
export function resourceJobs(): Job[] {
  const e = env();
  return [
    {
      name: 'resources.resource check',
      scope: 'once-per-cluster',
      everyMs: e.RESOURCE_CHECK_INTERVAL,
      housekeeping: true,
      run: async () => {
        const db = getDb();
        if (e.AUTO_SCALING) await runAutoscale(db);
        // One reading of the pools, after any resize, for the sample and the alerts.
        const pools = await poolsWithKinds(db, null);
        await sampleUtilisation(db, new Date(), pools);
        await checkCapacityAlerts(db, pools);
        // Grants made by dispatch don't publish; one push per check keeps open Resources pages current.
        publishLive({ type: 'resource:update', scope: null, data: { sampledAt: new Date().toISOString() } });
      },
    },
    {
      name: 'resources.rebalance',
      scope: 'once-per-cluster',
      everyMs: e.REBALANCE_INTERVAL,
      housekeeping: true,
      run: () => runRebalance(getDb(), e.ALLOCATION_STRATEGY),
    },
  ];
}
