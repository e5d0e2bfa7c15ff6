import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { tasks } from '../schema/work';
import type { TaskRow } from './tasks';

/** Handed to an agent and not finished. */
export const ACTIVE = sql`${tasks.status} in ('assigned', 'running')`;

/** Active and past its timeout: the attempt's hard limit, counted from its hand-out whatever leases and heart-beats do. */
export const OVERDUE = sql`${tasks.timeoutMs} is not null and ${tasks.assignedAt} + ${tasks.timeoutMs} * interval '1 millisecond' <= clock_timestamp()`;

/**
 * Locks the task's row for the rest of the transaction while it is active (held by `agentId`, and
 * overdue, when given); undefined when it is not. An overdue one already locked is skipped.
 */
export async function lockActiveTask(
  tx: Db,
  taskId: string,
  opts: { agentId?: string; overdueOnly?: boolean } = {},
): Promise<TaskRow | undefined> {
  const [cur] = await tx
    .select()
    .from(tasks)
    .where(
      and(
        eq(tasks.id, taskId),
        opts.agentId ? eq(tasks.assignedAgentId, opts.agentId) : undefined,
        ACTIVE,
        opts.overdueOnly ? OVERDUE : undefined,
      ),
    )
    .for('update', opts.overdueOnly ? { skipLocked: true } : {});
  return cur;
}

/** The agent's active task: its timeout (for the lease) and whether it was acknowledged yet. */
export async function activeTaskOf(db: Db, taskId: string, agentId: string) {
  const [cur] = await db
    .select({ timeoutMs: tasks.timeoutMs, status: tasks.status })
    .from(tasks)
    .where(and(eq(tasks.id, taskId), eq(tasks.assignedAgentId, agentId), ACTIVE))
    .limit(1);
  return cur;
}

/** What an agent holds, whole rows: handed back to it when it reconnects (it may have missed the first send). */
export async function heldTasks(db: Db, agentId: string): Promise<TaskRow[]> {
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.assignedAgentId, agentId), ACTIVE));
}

export async function tasksHeldBy(db: Db, agentId: string): Promise<string[]> {
  const rows = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.assignedAgentId, agentId), ACTIVE));
  return rows.map((r) => r.id);
}

/** The agent working on a parent task, to tell it a collaboration it asked for has finished. */
export async function requesterOf(db: Db, parentTaskId: string): Promise<string | null> {
  const [parent] = await db.select({ agentId: tasks.assignedAgentId }).from(tasks).where(eq(tasks.id, parentTaskId)).limit(1);
  return parent?.agentId ?? null;
}

/** Active tasks whose attempt ran past its timeout, for the timeout sweep. */
export async function overdueTasks(db: Db, limit = 500): Promise<string[]> {
  const rows = await db.select({ id: tasks.id }).from(tasks).where(sql`${ACTIVE} and ${OVERDUE}`).limit(limit);
  return rows.map((r) => r.id);
}

export async function expiredLeases(db: Db, limit = 500): Promise<string[]> {
  const rows = await db.select({ id: tasks.id }).from(tasks).where(sql`${ACTIVE} and ${tasks.leaseExpiresAt} < now()`).limit(limit);
  return rows.map((r) => r.id);
}
