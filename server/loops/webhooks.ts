import { getDb } from '@/db/client';
import { deliverDue, pruneDeliveries } from '@/lib/webhooks/deliver';
import { nextDeliveryDue } from '@/db/queries/webhook-deliveries';
import { IDLE_MAX_MS, type Job } from '../jobs/registry';

/**
 * Sends due webhook deliveries each second. Every process runs it: rows are claimed with
 * FOR UPDATE SKIP LOCKED, so processes share the work without sending one twice, and the
 * per-endpoint in-flight limit holds across them (lib/webhooks/deliver.ts).
 */
export function webhookJobs(everyMs = 1000): Job[] {
  return [
    {
      name: 'webhooks',
      scope: 'every-process',
      everyMs,
      idle: { maxMs: IDLE_MAX_MS, nextDueAt: () => nextDeliveryDue(getDb()) },
      run: async () => (await deliverDue(getDb())) > 0,
    },
    // The delivery log keeps 30 days of finished deliveries.
    { name: 'webhooks.prune', scope: 'once-per-cluster', everyMs: 3_600_000, firstDelayMs: 60_000, run: () => pruneDeliveries(getDb()) },
  ];
}
