import type { z } from 'zod';
import type { Db } from '@/db/client';
import { alertSortColumns, alertTablePage, type AlertSortKey } from '@/db/queries/alert-table';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { alertView } from './engine';
import { listAlertsQuery } from './service';

export const alertSortKeys = Object.keys(alertSortColumns) as [AlertSortKey, ...AlertSortKey[]];
/** Newest first unless asked otherwise. */
export const alertDefaultSort: SortSpec<AlertSortKey> = { key: 'createdAt', dir: 'desc' };

/** The filters of listAlertsQuery, a sort, and paging both ways (limit up to 200). */
export const alertTableQuery = listAlertsQuery.extend({
  ...sortQuery(alertSortKeys),
  limit: listAlertsQuery.shape.limit,
});
export type AlertTableQuery = z.infer<typeof alertTableQuery>;

/** The alerts the principal may see, filtered, sorted and paged, with how many match. */
export async function alertTable(db: Db, principal: Principal, q: AlertTableQuery) {
  if (q.departmentId) authorize(principal, 'alert:read', { departmentId: q.departmentId, what: 'Department' });
  else authorize(principal, 'alert:read');
  const sort = sortOf(q, alertDefaultSort);
  const seek = decodeSeek(q.cursor, sort, alertSortColumns[sort.key].cast, UUID_ID);
  const found = await alertTablePage(
    db,
    { status: q.status, departmentId: q.departmentId, departmentIds: departmentFilter(principal) },
    sort,
    seek,
    q.limit,
    COUNT_CAP,
  );
  return sortedPage(sort, found, ({ sortValue: _, ...row }) => alertView(row));
}
