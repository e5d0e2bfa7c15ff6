import { and, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { beforeCursor, cursorTime } from '../keyset';
import { tasks } from '../schema/work';
import type { TaskRow } from './tasks';

/** Which tasks a list shows; every field given narrows it. */
export type TaskFilter = {
  /** Assigned to this agent: an agent sees only its own. */
  heldBy?: string;
  /** In one of these departments: the caller's scope. */
  departmentIds?: string[];
  departmentId?: string;
  status?: TaskRow['status'];
  priority?: TaskRow['priority'];
  assignedAgentId?: string;
  parentTaskId?: string;
  scheduleId?: string;
  /** Text the title contains (case-insensitive, taken literally). */
  titleContains?: string;
  /** After this keyset cursor (newest first). */
  before?: { at: string; id: string };
};

/** A page of tasks, newest first, keyset on (created_at, id); `cursorAt` is what the next cursor carries. */
export async function taskPage(db: Db, f: TaskFilter, limit: number): Promise<(TaskRow & { cursorAt: string })[]> {
  const where: SQL[] = [];
  if (f.heldBy !== undefined) where.push(eq(tasks.assignedAgentId, f.heldBy));
  else if (f.departmentIds) where.push(inArray(tasks.departmentId, f.departmentIds));
  if (f.departmentId) where.push(eq(tasks.departmentId, f.departmentId));
  if (f.status) where.push(eq(tasks.status, f.status));
  if (f.priority) where.push(eq(tasks.priority, f.priority));
  if (f.assignedAgentId) where.push(eq(tasks.assignedAgentId, f.assignedAgentId));
  if (f.parentTaskId) where.push(eq(tasks.parentTaskId, f.parentTaskId));
  if (f.scheduleId) where.push(eq(tasks.scheduleId, f.scheduleId));
  if (f.titleContains) where.push(sql`${tasks.title} ilike ${`%${f.titleContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (f.before) where.push(beforeCursor(tasks.createdAt, tasks.id, f.before));
  return db
    .select({ ...getTableColumns(tasks), cursorAt: cursorTime(tasks.createdAt) })
    .from(tasks)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(limit);
}
