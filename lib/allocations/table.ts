import type { z } from 'zod';
import type { Db } from '@/db/client';
import { allocationSortColumns, allocationTablePage, type AllocationSortKey } from '@/db/queries/allocation-table';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { listAllocationsQuery } from '../resources/schemas';
import { toAllocation } from './allocations';

export const allocationSortKeys = Object.keys(allocationSortColumns) as [AllocationSortKey, ...AllocationSortKey[]];
/** Newest first unless asked otherwise. */
export const allocationDefaultSort: SortSpec<AllocationSortKey> = { key: 'createdAt', dir: 'desc' };

/** The filters of listAllocationsQuery, a sort, and paging both ways. */
export const allocationTableQuery = listAllocationsQuery.extend(sortQuery(allocationSortKeys));
export type AllocationTableQuery = z.infer<typeof allocationTableQuery>;

/** The allocations the principal may see, filtered, sorted and paged, with how many match. */
export async function allocationTable(db: Db, principal: Principal, q: AllocationTableQuery) {
  authorize(principal, 'resource:read', q.departmentId ? { departmentId: q.departmentId, what: 'Department' } : undefined);
  const sort = sortOf(q, allocationDefaultSort);
  const seek = decodeSeek(q.cursor, sort, allocationSortColumns[sort.key].cast, UUID_ID);
  const found = await allocationTablePage(
    db,
    { departmentIds: departmentFilter(principal), departmentId: q.departmentId, agentId: q.agentId, taskId: q.taskId, status: q.status },
    sort,
    seek,
    q.limit,
    COUNT_CAP,
  );
  return sortedPage(sort, found, ({ sortValue: _, agentName, ...row }) => toAllocation(row, agentName));
}
