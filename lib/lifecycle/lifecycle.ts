import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { agents, taskEvents, tasks } from '@/db/schema/work';
import type { TaskRow } from '@/db/queries/tasks';
import { mapRow } from '@/db/rows';
import { completeBatched } from './completion-batch';
import { releaseForTaskInTx } from '../resources/grants';
import { presence } from '../presence/presence';
import { emitDomain, publishLive } from '../live';
import { recordTaskFinished, recordTaskRequeued } from '../metrics/record';
import { leaseMsOf } from './lease';
import { closeAttempt } from '@/db/queries/attempts';
import type { AttemptOutcome } from '@/db/vocabulary';
import { cancelDependants } from './dependencies';
import { queueTaskEvent } from '@/db/queries/outbox';

const ACTIVE = sql`${tasks.status} in ('assigned', 'running')`;

/** Exponential backoff between attempts: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
}

/** Frees the agent's slot (and counts the outcome) in the same transaction as the task change. */
async function freeAgentSlot(tx: Db, agentId: string, outcome?: { completed?: boolean; failed?: boolean; durationMs?: number }) {
  const [row] = await tx
    .update(agents)
    .set({
      activeTasks: sql`greatest(0, ${agents.activeTasks} - 1)`,
      status: sql`case when ${agents.status} = 'busy' and ${agents.activeTasks} <= 1 then 'idle' else ${agents.status} end`,
      ...(outcome?.completed
        ? {
            completedCount: sql`${agents.completedCount} + 1`,
            totalDurationMs: sql`${agents.totalDurationMs} + ${outcome.durationMs ?? 0}`,
            recentDurationsMs: sql`(${agents.recentDurationsMs} || ${outcome.durationMs ?? 0}::int)[greatest(1, cardinality(${agents.recentDurationsMs}) - 98):]`,
          }
        : {}),
      ...(outcome?.failed ? { failedCount: sql`${agents.failedCount} + 1` } : {}),
    })
    .where(eq(agents.id, agentId))
    .returning({ completedCount: agents.completedCount, failedCount: agents.failedCount });
  return row;
}

function afterFree(agentId: string, row: FreedAgent | undefined) {
  const p = presence().get(agentId);
  if (p && row) {
    // A delta, not the row's count: answers of concurrent statements arrive in any order, and an
    // older count applied last left an idle agent looking full until the next sync (5 s).
    p.activeTasks = Math.max(0, p.activeTasks - 1);
    p.score = (row.completedCount + 5) / (row.completedCount + row.failedCount + 5);
  }
  if (p) emitDomain('agent:free', { agentId, departmentId: p.departmentId });
}

function changed(task: TaskRow) {
  publishLive({
    type: 'task:update',
    scope: task.departmentId,
    data: { id: task.id, status: task.status, assignedAgentId: task.assignedAgentId, progress: task.progress },
  });
}

export type CompleteResult = { task: TaskRow; duplicate: boolean };

type FreedAgent = { completedCount: number; failedCount: number };

/** The completion's statement, shared with others arriving together (completion-batch.ts). */
async function completeInOneStatement(db: Db, agentId: string, taskId: string, result: unknown) {
  const row = await completeBatched(db, agentId, taskId, result);
  if (!row) return null;
  const agent: FreedAgent | undefined =
    row.agent_completed === null ? undefined : { completedCount: Number(row.agent_completed), failedCount: Number(row.agent_failed) };
  return { row: mapRow(tasks, row), agent, durationMs: Number(row.duration_ms) };
}

/**
 * Idempotent: the first completion from the assigned agent wins; a repeat from the same agent
 * answers the stored result without counting twice; anyone else gets null (caller answers 409/404).
 */
export async function completeTask(db: Db, agentId: string, taskId: string, result: unknown): Promise<CompleteResult | null> {
  const out = await completeInOneStatement(db, agentId, taskId, result);
  if (!out) {
    const [existing] = await db.select().from(tasks).where(eq(tasks.id, taskId)).limit(1);
    if (existing && existing.status === 'completed' && existing.assignedAgentId === agentId) return { task: existing, duplicate: true };
    return null;
  }
  afterFree(agentId, out.agent);
  changed(out.row);
  recordTaskFinished(out.row.departmentId, 'completed', out.durationMs);
  emitDomain('task:finished', { taskId, parentTaskId: out.row.parentTaskId, status: 'completed' });
  return { task: out.row, duplicate: false };
}

/**
 * A failure with attempts left goes back to pending after a backoff; out of attempts it is
 * dead-lettered; a failure the agent marks non-retryable ends as failed.
 */
export async function failTask(db: Db, agentId: string, taskId: string, error: string, retryable = true): Promise<TaskRow | null> {
  return endAttempt(db, taskId, { agentId, error, retryable, outcome: 'failed' });
}

/** Active and past its timeout: the attempt's hard limit, counted from its hand-out whatever leases and heart-beats do. */
const OVERDUE = sql`${tasks.timeoutMs} is not null and ${tasks.assignedAt} + ${tasks.timeoutMs} * interval '1 millisecond' <= clock_timestamp()`;

/**
 * Ends an attempt that ran past the task's timeout: it counts against maxAttempts, so the task
 * retries after a backoff or goes dead with reason `timeout`, and the agent is told to stop
 * (task:revoked, reason timeout). The row lock and the re-checked condition make it count once
 * however many processes look at the same task; null when it was not (or no longer) overdue.
 */
export async function timeOutTask(db: Db, taskId: string): Promise<TaskRow | null> {
  return endAttempt(db, taskId, { error: 'timeout', retryable: true, outcome: 'timed-out', overdueOnly: true });
}

type EndAttempt = { agentId?: string; error: string; retryable: boolean; outcome: 'failed' | 'timed-out'; overdueOnly?: boolean };

async function endAttempt(db: Db, taskId: string, how: EndAttempt): Promise<TaskRow | null> {
  const out = await retryTx(() =>
    db.transaction(async (tx) => {
      const [cur] = await tx
        .select()
        .from(tasks)
        .where(
          and(
            eq(tasks.id, taskId),
            how.agentId ? eq(tasks.assignedAgentId, how.agentId) : undefined,
            ACTIVE,
            how.overdueOnly ? OVERDUE : undefined,
          ),
        )
        .for('update', how.overdueOnly ? { skipLocked: true } : {});
      if (!cur || !cur.assignedAgentId) return null;
      const agentId = cur.assignedAgentId;
      const timedOut = how.outcome === 'timed-out';
      const error = timedOut ? `timeout: attempt ${cur.attempts} ran past ${cur.timeoutMs} ms` : how.error;
      const retry = how.retryable && cur.attempts < cur.maxAttempts;
      const status = retry ? 'pending' : how.retryable ? 'dead' : 'failed';
      const [row] = await tx
        .update(tasks)
        .set({
          status,
          error,
          statusReason: retry ? null : timedOut ? 'timeout' : null,
          assignedAgentId: retry ? null : cur.assignedAgentId,
          leaseExpiresAt: null,
          availableAt: retry ? new Date(Date.now() + backoffMs(cur.attempts)) : cur.availableAt,
          finishedAt: retry ? null : sql`clock_timestamp()`,
          updatedAt: new Date(),
        })
        .where(and(eq(tasks.id, taskId), ACTIVE, how.overdueOnly ? OVERDUE : undefined))
        .returning();
      if (!row) return null;
      await closeAttempt(tx, taskId, how.outcome, error);
      await tx.insert(taskEvents).values({
        taskId,
        type: retry ? 'retry-scheduled' : status,
        agentId,
        detail: {
          error,
          attempt: cur.attempts,
          retryInMs: retry ? backoffMs(cur.attempts) : undefined,
          ...(timedOut ? { reason: 'timeout', timeoutMs: cur.timeoutMs } : {}),
        },
      });
      if (!retry) await queueTaskEvent(tx, status === 'dead' ? 'task.dead' : 'task.failed', taskId);
      const agent = await freeAgentSlot(tx, agentId, { failed: true });
      await releaseForTaskInTx(tx, taskId);
      const runMs = Date.now() - (cur.assignedAt ?? cur.createdAt).getTime();
      return { row, agent, runMs, agentId };
    }),
  );
  if (!out) return null;
  if (how.outcome === 'timed-out') emitDomain('task:revoked', { taskId, agentId: out.agentId, reason: 'timeout' });
  afterFree(out.agentId, out.agent);
  changed(out.row);
  recordTaskFinished(out.row.departmentId, out.row.status === 'dead' ? 'dead' : 'failed', out.runMs, {
    requeued: out.row.status === 'pending',
  });
  if (out.row.status !== 'pending') {
    emitDomain('task:finished', { taskId, parentTaskId: out.row.parentTaskId, status: out.row.status });
    await cancelDependants(db, [taskId]);
  }
  return out.row;
}

/** The agent acknowledged the hand-out or reported progress: running, and the lease extended. */
export async function reportProgress(db: Db, agentId: string, taskId: string, progress?: number): Promise<TaskRow | null> {
  const [cur] = await db
    .select({ timeoutMs: tasks.timeoutMs, status: tasks.status })
    .from(tasks)
    .where(and(eq(tasks.id, taskId), eq(tasks.assignedAgentId, agentId), ACTIVE))
    .limit(1);
  if (!cur) return null;
  const [row] = await db
    .update(tasks)
    .set({
      status: 'running',
      ...(progress !== undefined ? { progress } : {}),
      startedAt: sql`coalesce(${tasks.startedAt}, clock_timestamp())`,
      leaseExpiresAt: sql`clock_timestamp() + (${leaseMsOf(cur)} * interval '1 millisecond')`,
      updatedAt: new Date(),
    })
    .where(and(eq(tasks.id, taskId), eq(tasks.assignedAgentId, agentId), ACTIVE))
    .returning();
  if (row && cur.status === 'assigned') {
    await db.insert(taskEvents).values({ taskId, type: 'started', agentId });
    changed(row);
  }
  return row ?? null;
}

/**
 * Takes a task back from its agent (agent lost, lease expired, preempted, agent retired): it
 * returns to pending for another agent. At-least-once: the old agent may still finish it, and
 * its late completion is refused because the task is no longer assigned to it.
 */
export async function requeueTask(db: Db, taskId: string, reason: string): Promise<TaskRow | null> {
  const out = await retryTx(() =>
    db.transaction(async (tx) => {
      const [cur] = await tx
        .select()
        .from(tasks)
        .where(and(eq(tasks.id, taskId), ACTIVE))
        .for('update');
      if (!cur) return null;
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
      await tx.insert(taskEvents).values({ taskId, type: 'requeued', agentId: cur.assignedAgentId, detail: { reason } });
      await closeAttempt(tx, taskId, outcomeOfRequeue(reason));
      const agent = cur.assignedAgentId ? await freeAgentSlot(tx, cur.assignedAgentId) : undefined;
      await releaseForTaskInTx(tx, taskId);
      return { row, agent, agentId: cur.assignedAgentId };
    }),
  );
  if (!out) return null;
  if (out.agentId) {
    emitDomain('task:revoked', { taskId, agentId: out.agentId, reason });
    afterFree(out.agentId, out.agent);
  }
  changed(out.row);
  recordTaskRequeued(out.row.departmentId);
  emitDomain('task:ready', { departmentId: out.row.departmentId, taskId });
  return out.row;
}

/** What an agent holds, whole rows: handed back to it when it reconnects (it may have missed the first send). */
export async function heldTasks(db: Db, agentId: string): Promise<TaskRow[]> {
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.assignedAgentId, agentId), ACTIVE));
}

/** The agent working on a parent task, to tell it a collaboration it asked for has finished. */
export async function requesterOf(db: Db, parentTaskId: string): Promise<string | null> {
  const [parent] = await db.select({ agentId: tasks.assignedAgentId }).from(tasks).where(eq(tasks.id, parentTaskId)).limit(1);
  return parent?.agentId ?? null;
}

export async function tasksHeldBy(db: Db, agentId: string): Promise<string[]> {
  const rows = await db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.assignedAgentId, agentId), ACTIVE));
  return rows.map((r) => r.id);
}

/**
 * How an attempt taken back ends: the agent stopped answering (lost), a higher priority needed its
 * resources (preempted), or someone took the task away (revoked).
 */
function outcomeOfRequeue(reason: string): AttemptOutcome {
  if (reason === 'preempted') return 'preempted';
  if (reason === 'cancelled' || reason === 'agent retired') return 'revoked';
  return 'lost';
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
