import { and, desc, eq, getTableColumns, inArray, isNull, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { beforeCursor, cursorTime } from '../keyset';
import { webhookDeliveries, webhooks, type WebhookDeliveryRow, type WebhookRow } from '../schema/webhooks';

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

export async function deliveryPage(
  db: Db,
  webhookId: string,
  f: { status?: WebhookDeliveryRow['status']; cursor?: { at: string; id: string }; limit: number },
): Promise<(WebhookDeliveryRow & { cursorAt: string })[]> {
  const where: SQL[] = [eq(webhookDeliveries.webhookId, webhookId)];
  if (f.status) where.push(eq(webhookDeliveries.status, f.status));
  if (f.cursor) where.push(beforeCursor(webhookDeliveries.createdAt, webhookDeliveries.id, f.cursor));
  return db
    .select({ ...getTableColumns(webhookDeliveries), cursorAt: cursorTime(webhookDeliveries.createdAt) })
    .from(webhookDeliveries)
    .where(and(...where))
    .orderBy(desc(webhookDeliveries.createdAt), desc(webhookDeliveries.id))
    .limit(f.limit);
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
