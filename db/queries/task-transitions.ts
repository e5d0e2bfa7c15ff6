import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { tasks } from '../schema/work';
import { ACTIVE, OVERDUE } from './active-tasks';
import type { TaskRow } from './tasks';

/** A pending task cancelled; undefined when it was no longer pending. */
export async function cancelPendingTask(db: Db, id: string): Promise<TaskRow | undefined> {
  const [row] = await db
    .update(tasks)
    .set({ status: 'cancelled', finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(tasks.id, id), eq(tasks.status, 'pending')))
    .returning();
  return row;
}

/** A failed, dead or cancelled task pending again from its first attempt; undefined when it was in no such state. */
export async function resetTaskForRetry(db: Db, id: string): Promise<TaskRow | undefined> {
  const [row] = await db
    .update(tasks)
    .set({
      status: 'pending',
      attempts: 0,
      error: null,
      statusReason: null,
      assignedAgentId: null,
      availableAt: new Date(),
      finishedAt: null,
      progress: 0,
      updatedAt: new Date(),
    })
    .where(and(eq(tasks.id, id), sql`${tasks.status} in ('failed', 'dead', 'cancelled')`))
    .returning();
  return row;
}

export type AttemptEnd = {
  status: 'pending' | 'dead' | 'failed';
  error: string;
  statusReason: string | null;
  assignedAgentId: string | null;
  availableAt: Date;
  /** The task ends here (finished_at set); otherwise it waits for its next attempt. */
  finished: boolean;
};

/** Ends the active attempt of a task (still active, and still overdue with `overdueOnly`); undefined when it no longer was. */
export async function endActiveAttempt(tx: Db, taskId: string, end: AttemptEnd, overdueOnly?: boolean): Promise<TaskRow | undefined> {
  const [row] = await tx
    .update(tasks)
    .set({
      status: end.status,
      error: end.error,
      statusReason: end.statusReason,
      assignedAgentId: end.assignedAgentId,
      leaseExpiresAt: null,
      availableAt: end.availableAt,
      finishedAt: end.finished ? sql`clock_timestamp()` : null,
      updatedAt: new Date(),
    })
    .where(and(eq(tasks.id, taskId), ACTIVE, overdueOnly ? OVERDUE : undefined))
    .returning();
  return row;
}

/** Taken back from its agent: pending, available now. */
export async function returnToPending(tx: Db, taskId: string): Promise<TaskRow> {
  const [row] = await tx
    .update(tasks)
    .set({
      status: 'pending',
      assignedAgentId: null,
      leaseExpiresAt: null,
      progress: 0,
      availableAt: new Date(),
      updatedAt: new Date(),
    })
    .where(eq(tasks.id, taskId))
    .returning();
  return row;
}

/** The agent's active task running, with progress if given, its lease extended by `leaseMs`; undefined when not its active task. */
export async function markRunning(
  db: Db,
  taskId: string,
  agentId: string,
  progress: number | undefined,
  leaseMs: number,
): Promise<TaskRow | undefined> {
  const [row] = await db
    .update(tasks)
    .set({
      status: 'running',
      ...(progress !== undefined ? { progress } : {}),
      startedAt: sql`coalesce(${tasks.startedAt}, clock_timestamp())`,
      leaseExpiresAt: sql`clock_timestamp() + (${leaseMs} * interval '1 millisecond')`,
      updatedAt: new Date(),
    })
    .where(and(eq(tasks.id, taskId), eq(tasks.assignedAgentId, agentId), ACTIVE))
    .returning();
  return row;
}
