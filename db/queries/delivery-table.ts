import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { webhookDeliveries, type WebhookDeliveryRow } from '../schema/webhooks';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';

/** A webhook delivery list's sortable columns; no response or latency yet sorts first. */
export const deliverySortColumns = {
  createdAt: { expr: webhookDeliveries.createdAt, cast: 'timestamptz' },
  eventType: { expr: webhookDeliveries.eventType, cast: 'text' },
  status: { expr: webhookDeliveries.status, cast: 'text' },
  attempts: { expr: webhookDeliveries.attempts, cast: 'integer' },
  responseStatus: { expr: sql`coalesce(${webhookDeliveries.responseStatus}, -1)::int`, cast: 'integer' },
  latencyMs: { expr: sql`coalesce(${webhookDeliveries.latencyMs}, -1)::int`, cast: 'integer' },
  nextAttemptAt: { expr: webhookDeliveries.nextAttemptAt, cast: 'timestamptz' },
} satisfies Record<string, SortColumn>;
export type DeliverySortKey = keyof typeof deliverySortColumns;

/** One page of a webhook's deliveries in the asked order, and how many match (up to countCap + 1). */
export async function deliveryTablePage(
  db: Db,
  f: { webhookId: string; status?: WebhookDeliveryRow['status'] },
  sort: { key: DeliverySortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where: SQL | undefined = and(
    eq(webhookDeliveries.webhookId, f.webhookId),
    f.status ? eq(webhookDeliveries.status, f.status) : undefined,
  );
  const k = keyset(deliverySortColumns[sort.key], sort.dir, { col: webhookDeliveries.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(webhookDeliveries), sortValue: k.sortValue })
      .from(webhookDeliveries)
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, webhookDeliveries, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
