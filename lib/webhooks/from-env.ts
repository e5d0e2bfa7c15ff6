import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { webhooks } from '@/db/schema/webhooks';
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
    await db.update(webhooks).set({ enabled: false, updatedAt: new Date() }).where(sql`${webhooks.source} = 'env' and ${webhooks.enabled}`);
    return;
  }
  await db
    .insert(webhooks)
    .values({
      url,
      events: ['alert.raised', 'alert.resolved'],
      departmentId: null,
      secret: encryptSecret(generateSecret()),
      source: 'env',
      description: 'From the ALERT_WEBHOOK_URL setting',
      createdBy: 'ALERT_WEBHOOK_URL',
    })
    .onConflictDoUpdate({
      target: webhooks.source,
      targetWhere: sql`source = 'env'`,
      set: { url, enabled: true, events: ['alert.raised', 'alert.resolved'], updatedAt: new Date() },
      setWhere: sql`${webhooks.url} <> excluded.url or not ${webhooks.enabled}`,
    });
}
