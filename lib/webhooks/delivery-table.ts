import { z } from 'zod';
import type { Db } from '@/db/client';
import { deliverySortColumns, deliveryTablePage, type DeliverySortKey } from '@/db/queries/delivery-table';
import { webhookDeliveryStatuses } from '@/db/vocabulary';
import type { Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { loadFor, toDelivery } from './service';

export const deliverySortKeys = Object.keys(deliverySortColumns) as [DeliverySortKey, ...DeliverySortKey[]];
/** Newest first unless asked otherwise. */
export const deliveryDefaultSort: SortSpec<DeliverySortKey> = { key: 'createdAt', dir: 'desc' };

/** GET /api/v1/webhooks/{id}/deliveries and the webhook's page: a status filter, a sort, and paging both ways. */
export const deliveryTableQuery = z.object({ status: z.enum(webhookDeliveryStatuses).optional(), ...sortQuery(deliverySortKeys) });
export type DeliveryTableQuery = z.input<typeof deliveryTableQuery>;

/** A webhook's deliveries, sorted and paged, with how many match. */
export async function deliveryTable(db: Db, principal: Principal, webhookId: string, input: DeliveryTableQuery) {
  await loadFor(db, principal, webhookId);
  const q = deliveryTableQuery.parse(input);
  const sort = sortOf(q, deliveryDefaultSort);
  const seek = decodeSeek(q.cursor, sort, deliverySortColumns[sort.key].cast, UUID_ID);
  const found = await deliveryTablePage(db, { webhookId, status: q.status }, sort, seek, q.limit, COUNT_CAP);
  return sortedPage(sort, found, ({ sortValue: _, ...row }) => toDelivery(row));
}
