import { and, eq, inArray, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { webhookDeliveries, webhooks, type WebhookDeliveryRow, type WebhookRow } from '../schema/webhooks';

export type { WebhookDeliveryRow, WebhookRow };
export type NewWebhook = typeof webhooks.$inferInsert;

export async function findWebhook(db: Db, id: string): Promise<WebhookRow | undefined> {
  const [row] = await db.select().from(webhooks).where(eq(webhooks.id, id));
  return row;
}

/** departmentIds null: every webhook; otherwise only those departments' (never global ones). */
export async function webhookRows(db: Db, f: { departmentIds: string[] | null; departmentId?: string }): Promise<WebhookRow[]> {
  const where: SQL[] = [];
  if (f.departmentIds) where.push(inArray(webhooks.departmentId, f.departmentIds.length ? f.departmentIds : ['']));
  if (f.departmentId) where.push(eq(webhooks.departmentId, f.departmentId));
  return db
    .select()
    .from(webhooks)
    .where(where.length ? and(...where) : undefined)
    .orderBy(webhooks.departmentId, webhooks.createdAt);
}

/** Delivered or failed only: one already waiting or under way is left to finish. */
export async function requeueDelivery(db: Db, webhookId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({ status: 'pending', nextAttemptAt: new Date(), retryFrom: new Date(), lockedUntil: null })
    .where(
      and(
        eq(webhookDeliveries.id, id),
        eq(webhookDeliveries.webhookId, webhookId),
        inArray(webhookDeliveries.status, ['delivered', 'failed']),
      ),
    )
    .returning();
  return row;
}

export async function findDelivery(db: Db, webhookId: string, id: string): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .select()
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.webhookId, webhookId)));
  return row;
}

export async function envWebhook(db: Db): Promise<WebhookRow | undefined> {
  const [row] = await db
    .select()
    .from(webhooks)
    .where(and(eq(webhooks.source, 'env'), isNull(webhooks.departmentId)));
  return row;
}

export async function insertWebhook(db: Db, row: NewWebhook): Promise<WebhookRow> {
  const [inserted] = await db.insert(webhooks).values(row).returning();
  return inserted;
}

export async function updateWebhookRow(
  db: Db,
  id: string,
  set: Partial<Pick<NewWebhook, 'url' | 'events' | 'enabled' | 'description' | 'secret'>>,
): Promise<WebhookRow | undefined> {
  const [row] = await db
    .update(webhooks)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(webhooks.id, id))
    .returning();
  return row;
}

/** The webhook and its delivery log (no foreign key joins them); false when there was no such webhook. */
export async function deleteWebhookRow(tx: Db, id: string): Promise<boolean> {
  const [gone] = await tx.delete(webhooks).where(eq(webhooks.id, id)).returning({ id: webhooks.id });
  if (!gone) return false;
  await tx.delete(webhookDeliveries).where(eq(webhookDeliveries.webhookId, id));
  return true;
}

/** Disables the ALERT_WEBHOOK_URL webhook, if there is one enabled. */
export async function disableEnvWebhook(db: Db): Promise<void> {
  await db.update(webhooks).set({ enabled: false, updatedAt: new Date() }).where(sql`${webhooks.source} = 'env' and ${webhooks.enabled}`);
}

/**
 * The one ALERT_WEBHOOK_URL webhook, made or brought to `url` and enabled; left alone when it is
 * already. Concurrent callers are decided by the unique index on source ('env'). `secret` (sealed)
 * is for a new row only: an existing one keeps its own.
 */
export async function upsertEnvWebhook(db: Db, url: string, secret: string): Promise<void> {
  await db
    .insert(webhooks)
    .values({
      url,
      events: ['alert.raised', 'alert.resolved'],
      departmentId: null,
      secret,
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
