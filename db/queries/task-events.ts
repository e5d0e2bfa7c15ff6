import { and, asc, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { taskEvents, tasks } from '../schema/work';

export type TaskEventRow = typeof taskEvents.$inferSelect;
export type NewTaskEvent = typeof taskEvents.$inferInsert;

export async function insertTaskEvent(db: Db, event: NewTaskEvent): Promise<void> {
  await db.insert(taskEvents).values(event);
}

/** A task's timeline, oldest first. */
export async function taskEventsOf(db: Db, taskId: string, limit: number): Promise<TaskEventRow[]> {
  return db.select().from(taskEvents).where(eq(taskEvents.taskId, taskId)).orderBy(asc(taskEvents.id)).limit(limit);
}

/** The task's status and reason now, if the agent ever appears in its timeline (held it once); undefined otherwise. */
export async function taskStatusSeenBy(db: Db, taskId: string, agentId: string) {
  const [held] = await db
    .select({ status: tasks.status, reason: tasks.statusReason })
    .from(tasks)
    .innerJoin(taskEvents, and(eq(taskEvents.taskId, tasks.id), eq(taskEvents.agentId, agentId)))
    .where(eq(tasks.id, taskId))
    .limit(1);
  return held;
}
