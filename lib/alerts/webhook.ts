import type { Db } from '@/db/client';
import type { AlertRow } from '@/db/queries/alerts';
import { queueEvent } from '@/db/queries/outbox';
import { alertView } from './view';

/**
 * Queues alert.raised or alert.resolved for the subscribed webhooks (ALERT_WEBHOOK_URL among them,
 * lib/webhooks/from-env.ts), in the transaction that wrote the alert. `except`: the webhook whose
 * own failure the alert reports, which would only fail again.
 */
export async function queueAlertEvent(tx: Db, event: 'raised' | 'resolved', row: AlertRow, except?: string): Promise<void> {
  await queueEvent(tx, event === 'raised' ? 'alert.raised' : 'alert.resolved', row.departmentId, alertView(row), except);
}
