import { asc, and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { tasks } from '../schema/work';

export type TaskRow = typeof tasks.$inferSelect;
/** A task as an insert takes it (defaults left out). */
export type NewTask = typeof tasks.$inferInsert;

/** Dependencies all completed (or none). */
export const dependenciesMet = sql`(cardinality(${tasks.dependsOn}) = 0 or not exists (
  select 1 from tasks d where d.id = any(${tasks.dependsOn}) and d.status <> 'completed'))`;

/** What the dispatcher needs to match a task; the hand-out returns the whole row. */
export type QueuedTask = Pick<TaskRow, 'id' | 'departmentId' | 'requirements' | 'priority' | 'timeoutMs' | 'targetAgentId'>;

/** The head of a department's queue: ready now, by priority then age. */
export async function readyTasks(db: Db, departmentId: string, limit: number, agentId?: string): Promise<QueuedTask[]> {
  return db
    .select({
      id: tasks.id,
      departmentId: tasks.departmentId,
      requirements: tasks.requirements,
      priority: tasks.priority,
      timeoutMs: tasks.timeoutMs,
      targetAgentId: tasks.targetAgentId,
    })
    .from(tasks)
    .where(
      sql`${tasks.status} = 'pending' and ${tasks.departmentId} = ${departmentId} and ${tasks.availableAt} <= now()
        and ${agentId ? sql`(${tasks.targetAgentId} is null or ${tasks.targetAgentId} = ${agentId})` : sql`true`}
        and ${dependenciesMet}`,
    )
    .orderBy(tasks.priorityRank, tasks.createdAt)
    .limit(limit);
}

export async function departmentsWithReadyTasks(db: Db): Promise<string[]> {
  const rows = await db
    .selectDistinct({ departmentId: tasks.departmentId })
    .from(tasks)
    .where(sql`${tasks.status} = 'pending' and ${tasks.availableAt} <= now()`);
  return rows.map((r) => r.departmentId);
}

export async function findTask(db: Db, id: string): Promise<TaskRow | undefined> {
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id)).limit(1);
  return row;
}

/** The task the principal created under this Idempotency-Key. */
export async function taskByIdempotencyKey(db: Db, createdBy: string, key: string): Promise<TaskRow | undefined> {
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.createdBy, createdBy), eq(tasks.idempotencyKey, key)))
    .limit(1);
  return row;
}

/** Of these ids, the tasks that exist, with their departments. */
export async function departmentsOfTasks(db: Db, ids: string[]): Promise<{ id: string; departmentId: string }[]> {
  return db.select({ id: tasks.id, departmentId: tasks.departmentId }).from(tasks).where(inArray(tasks.id, ids));
}

/** A task's child tasks (collaborations), oldest first. */
export async function childTasksOf(db: Db, parentTaskId: string, limit: number): Promise<TaskRow[]> {
  return db.select().from(tasks).where(eq(tasks.parentTaskId, parentTaskId)).orderBy(asc(tasks.createdAt)).limit(limit);
}

export async function insertTask(db: Db, values: NewTask): Promise<TaskRow> {
  const [row] = await db.insert(tasks).values(values).returning();
  return row;
}
