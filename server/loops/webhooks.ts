import { getDb } from '@/db/client';
import { deliverDue } from '@/lib/webhooks/deliver';
import type { Job } from '../jobs/registry';

/**
 * Sends due webhook deliveries each second. Every process runs it: rows are claimed with
 * FOR UPDATE SKIP LOCKED, so processes share the work without sending one twice, and the
 * per-endpoint in-flight limit holds across them (lib/webhooks/deliver.ts).
 */
export function webhookJob(everyMs = 1000): Job {
  return { name: 'webhooks', scope: 'every-process', everyMs, run: () => deliverDue(getDb()) };
}
