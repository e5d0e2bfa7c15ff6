import type { z } from 'zod';
import type { Db } from '@/db/client';
import { taskSortColumns, taskTablePage, type TaskSortKey } from '@/db/queries/task-table';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { listTasksQuery } from './schemas';
import { toTask } from './service';

export const taskSortKeys = Object.keys(taskSortColumns) as [TaskSortKey, ...TaskSortKey[]];
/** Newest first unless asked otherwise. */
export const taskDefaultSort: SortSpec<TaskSortKey> = { key: 'createdAt', dir: 'desc' };

/** GET /api/v1/tasks and the console's task list: the filters of listTasksQuery, a sort, and paging both ways. */
export const taskTableQuery = listTasksQuery.extend(sortQuery(taskSortKeys));
export type TaskTableQuery = z.infer<typeof taskTableQuery>;

/** The tasks the principal may see, filtered, sorted and paged, with how many match. */
export async function taskTable(db: Db, principal: Principal, q: TaskTableQuery) {
  authorize(principal, 'task:read');
  const sort = sortOf(q, taskDefaultSort);
  const seek = decodeSeek(q.cursor, sort, taskSortColumns[sort.key].cast, UUID_ID);
  const found = await taskTablePage(
    db,
    {
      assignedTo: principal.kind === 'agent' ? principal.id : undefined,
      departmentIds: departmentFilter(principal),
      departmentId: q.departmentId,
      status: q.status,
      priority: q.priority,
      agentId: q.agentId,
      parentTaskId: q.parentTaskId,
      scheduleId: q.scheduleId,
      q: q.q,
    },
    sort,
    seek,
    q.limit,
    COUNT_CAP,
  );
  return sortedPage(sort, found, ({ sortValue: _, ...row }) => toTask(row));
}
