import type { z } from 'zod';
import type { Db } from '@/db/client';
import { scheduleSortColumns, scheduleTablePage, type ScheduleSortKey } from '@/db/queries/schedule-table';
import { authorize, departmentFilter, forbiddenForAgents, type Principal } from './access';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { listSchedulesQuery } from './schemas';
import { toSchedule } from './service';

export const scheduleSortKeys = Object.keys(scheduleSortColumns) as [ScheduleSortKey, ...ScheduleSortKey[]];
/** Newest first unless asked otherwise. */
export const scheduleDefaultSort: SortSpec<ScheduleSortKey> = { key: 'createdAt', dir: 'desc' };

/** GET /api/v1/schedules and the console's list: department and state filters, a sort, and paging both ways. */
export const scheduleTableQuery = listSchedulesQuery.omit({ limit: true, cursor: true }).extend(sortQuery(scheduleSortKeys));
export type ScheduleTableQuery = z.infer<typeof scheduleTableQuery>;

/** The schedules the principal may see, filtered, sorted and paged, each with its department's name. */
export async function scheduleTable(db: Db, principal: Principal, q: ScheduleTableQuery) {
  forbiddenForAgents(principal);
  authorize(principal, 'task:read');
  const sort = sortOf(q, scheduleDefaultSort);
  const seek = decodeSeek(q.cursor, sort, scheduleSortColumns[sort.key].cast, UUID_ID);
  const found = await scheduleTablePage(
    db,
    { departmentIds: departmentFilter(principal), departmentId: q.departmentId, enabled: q.enabled },
    sort,
    seek,
    q.limit,
    COUNT_CAP,
  );
  const now = new Date();
  return sortedPage(sort, found, ({ sortValue: _, departmentName, ...row }) => ({
    ...toSchedule(row, now),
    departmentName: departmentName ?? row.departmentId,
  }));
}
