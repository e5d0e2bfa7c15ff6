import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { publishLive } from '@/lib/live';
import { runAutoscale } from '@/lib/resources/autoscale';
import { checkCapacityAlerts, sampleUtilisation } from '@/lib/resources/monitor';
import { runRebalance } from '@/lib/resources/rebalance';
import { log } from '@/lib/log';

/**
 * Every RESOURCE_CHECK_INTERVAL: auto-scale (when AUTO_SCALING), sample utilisation, raise and
 * clear capacity alerts. Every REBALANCE_INTERVAL: move idle capacity toward queued demand.
 * A pass never overlaps the previous one; a failing pass is logged and the next one tries again.
 */
export function startResourceLoops(): () => void {
  const e = env();
  const check = every(e.RESOURCE_CHECK_INTERVAL, 'resource check', async () => {
    const db = getDb();
    if (e.AUTO_SCALING) await runAutoscale(db);
    await sampleUtilisation(db);
    await checkCapacityAlerts(db);
    // Grants made by dispatch don't publish; one push per check keeps open Resources pages current.
    publishLive({ type: 'resource:update', scope: null, data: { sampledAt: new Date().toISOString() } });
  });
  const rebalance = every(e.REBALANCE_INTERVAL, 'rebalance', () => runRebalance(getDb(), e.ALLOCATION_STRATEGY));
  return () => {
    check();
    rebalance();
  };
}

function every(ms: number, name: string, fn: () => Promise<unknown>): () => void {
  let running = false;
  const timer = setInterval(() => {
    if (running) return;
    running = true;
    fn()
      .catch((err) => log().error({ loop: `resources.${name}`, err: err instanceof Error ? err.message : err }, 'loop failed'))
      .finally(() => {
        running = false;
      });
  }, ms);
  timer.unref();
  return () => clearInterval(timer);
}
