import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { tasks } from '../schema/work';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';

/** The task list's sortable columns; priority by urgency, low to critical. */
export const taskSortColumns = {
  title: { expr: tasks.title, cast: 'text' },
  departmentId: { expr: tasks.departmentId, cast: 'text' },
  priority: { expr: sql`(-${tasks.priorityRank})::int`, cast: 'integer' },
  status: { expr: tasks.status, cast: 'text' },
  attempts: { expr: tasks.attempts, cast: 'integer' },
  createdAt: { expr: tasks.createdAt, cast: 'timestamptz' },
} satisfies Record<string, SortColumn>;
export type TaskSortKey = keyof typeof taskSortColumns;

export type TaskTableFilter = {
  /** An agent sees the tasks assigned to it. */
  assignedTo?: string;
  departmentIds: string[] | null;
  departmentId?: string;
  status?: (typeof tasks.$inferSelect)['status'];
  priority?: (typeof tasks.$inferSelect)['priority'];
  agentId?: string;
  parentTaskId?: string;
  scheduleId?: string;
  q?: string;
};

function taskWhere(f: TaskTableFilter): SQL | undefined {
  const where: SQL[] = [];
  if (f.assignedTo) where.push(eq(tasks.assignedAgentId, f.assignedTo));
  else if (f.departmentIds) where.push(inArray(tasks.departmentId, f.departmentIds.length ? f.departmentIds : ['']));
  if (f.departmentId) where.push(eq(tasks.departmentId, f.departmentId));
  if (f.status) where.push(eq(tasks.status, f.status));
  if (f.priority) where.push(eq(tasks.priority, f.priority));
  if (f.agentId) where.push(eq(tasks.assignedAgentId, f.agentId));
  if (f.parentTaskId) where.push(eq(tasks.parentTaskId, f.parentTaskId));
  if (f.scheduleId) where.push(eq(tasks.scheduleId, f.scheduleId));
  if (f.q) where.push(sql`${tasks.title} ilike ${`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  return where.length ? and(...where) : undefined;
}

/** One page of tasks in the asked order, and how many match (up to countCap + 1). */
export async function taskTablePage(
  db: Db,
  f: TaskTableFilter,
  sort: { key: TaskSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where = taskWhere(f);
  const k = keyset(taskSortColumns[sort.key], sort.dir, { col: tasks.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(tasks), sortValue: k.sortValue })
      .from(tasks)
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, tasks, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
