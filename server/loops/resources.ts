import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { publishLive } from '@/lib/live';
import { runAutoscale } from '@/lib/resources/autoscale';
import { checkCapacityAlerts, sampleUtilisation } from '@/lib/resources/monitor';
import { runRebalance } from '@/lib/resources/rebalance';
import { every } from './every';

/**
 * Every RESOURCE_CHECK_INTERVAL: auto-scale (when AUTO_SCALING), sample utilisation, raise and
 * clear capacity alerts. Every REBALANCE_INTERVAL: move idle capacity toward queued demand.
 * A pass never overlaps the previous one; failing passes are logged and back off (./every.ts), so a
 * database outage doesn't flood the log.
 */
export function startResourceLoops(): () => void {
  const e = env();
  const check = every('resources.resource check', e.RESOURCE_CHECK_INTERVAL, async () => {
    const db = getDb();
    if (e.AUTO_SCALING) await runAutoscale(db);
    await sampleUtilisation(db);
    await checkCapacityAlerts(db);
    // Grants made by dispatch don't publish; one push per check keeps open Resources pages current.
    publishLive({ type: 'resource:update', scope: null, data: { sampledAt: new Date().toISOString() } });
  });
  const rebalance = every('resources.rebalance', e.REBALANCE_INTERVAL, () => runRebalance(getDb(), e.ALLOCATION_STRATEGY));
  return () => {
    check();
    rebalance();
  };
}
