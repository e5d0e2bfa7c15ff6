import { z } from 'zod';
import type { Db } from '@/db/client';
import { capacityChangeSortColumns, capacityChangeTablePage, type CapacityChangeSortKey } from '@/db/queries/capacity-change-table';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, SERIAL_ID, sortedPage, sortOf, sortQuery, type SortSpec } from '../paging/sort';

export const capacityChangeSortKeys = Object.keys(capacityChangeSortColumns) as [CapacityChangeSortKey, ...CapacityChangeSortKey[]];
/** Newest first unless asked otherwise. */
export const capacityChangeDefaultSort: SortSpec<CapacityChangeSortKey> = { key: 'at', dir: 'desc' };

export const capacityChangeTableQuery = z.object({
  departmentId: z.string().max(64).optional(),
  ...sortQuery(capacityChangeSortKeys),
});
export type CapacityChangeTableQuery = z.input<typeof capacityChangeTableQuery>;

/** Capacity changes of the pools the principal may see (admin, auto-scaling, rebalancing), sorted and paged. */
export async function capacityChangeTable(db: Db, principal: Principal, input: CapacityChangeTableQuery) {
  const q = capacityChangeTableQuery.parse(input);
  authorize(principal, 'resource:read', q.departmentId ? { departmentId: q.departmentId, what: 'Department' } : undefined);
  const sort = sortOf(q, capacityChangeDefaultSort);
  const seek = decodeSeek(q.cursor, sort, capacityChangeSortColumns[sort.key].cast, SERIAL_ID);
  const found = await capacityChangeTablePage(
    db,
    { departmentIds: departmentFilter(principal), departmentId: q.departmentId },
    sort,
    seek,
    q.limit,
    COUNT_CAP,
  );
  return sortedPage(sort, found, ({ sortValue: _, departmentName, ...c }) => ({
    ...c,
    departmentName: departmentName ?? c.departmentId,
    at: c.at.toISOString(),
  }));
}
