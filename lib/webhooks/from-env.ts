import type { Db } from '@/db/client';
import { disableEnvWebhook, upsertEnvWebhook } from '@/db/queries/webhooks';
import { encryptSecret } from '../keys/crypto';
import { env } from '../env';
import { generateSecret } from './service';

/**
 * ALERT_WEBHOOK_URL as a webhook: one global row (source 'env') subscribed to alert.raised and
 * alert.resolved, so alerts reach it through the outbox with retries and signatures like any
 * other. Each start-up brings the row in line with the setting; unset, the row is disabled (its
 * delivery log stays). Every process may run this at once: the unique index on source decides.
 */
export async function syncEnvWebhook(db: Db, url = env().ALERT_WEBHOOK_URL): Promise<void> {
  if (!url) {
    await disableEnvWebhook(db);
    return;
  }
  await upsertEnvWebhook(db, url, encryptSecret(generateSecret()));
}
