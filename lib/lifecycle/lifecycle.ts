import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { findTask, type TaskRow } from '@/db/queries/tasks';
import { activeTaskOf, lockActiveTask } from '@/db/queries/active-tasks';
import { endActiveAttempt, markRunning, returnToPending } from '@/db/queries/task-transitions';
import { freeAgentSlot, type FreedAgent } from '@/db/queries/agent-slots';
import { insertTaskEvent } from '@/db/queries/task-events';
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

// Plain look-ups of active tasks, for the agents' bus and the sweeps.
export { expiredLeases, heldTasks, overdueTasks, requesterOf, tasksHeldBy } from '@/db/queries/active-tasks';

/** Exponential backoff between attempts: 1 s, 2 s, 4 s … capped at 5 minutes. */
export function backoffMs(attempts: number): number {
  return Math.min(300_000, 1000 * 2 ** Math.max(0, attempts - 1));
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

/**
 * Idempotent: the first completion from the assigned agent wins; a repeat from the same agent
 * answers the stored result without counting twice; anyone else gets null (caller answers 409/404).
 */
export async function completeTask(db: Db, agentId: string, taskId: string, result: unknown): Promise<CompleteResult | null> {
  // One statement, shared with other completions arriving together (completion-batch.ts).
  const done = await completeBatched(db, agentId, taskId, result);
  if (!done) {
    const existing = await findTask(db, taskId);
    if (existing && existing.status === 'completed' && existing.assignedAgentId === agentId) return { task: existing, duplicate: true };
    return null;
  }
  afterFree(agentId, done.agent);
  changed(done.task);
  recordTaskFinished(done.task.departmentId, 'completed', done.durationMs);
  emitDomain('task:finished', { taskId, parentTaskId: done.task.parentTaskId, status: 'completed' });
  return { task: done.task, duplicate: false };
}

/**
 * A failure with attempts left goes back to pending after a backoff; out of attempts it is
 * dead-lettered; a failure the agent marks non-retryable ends as failed.
 */
export async function failTask(db: Db, agentId: string, taskId: string, error: string, retryable = true): Promise<TaskRow | null> {
  return endAttempt(db, taskId, { agentId, error, retryable, outcome: 'failed' });
}

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
      const cur = await lockActiveTask(tx, taskId, { agentId: how.agentId, overdueOnly: how.overdueOnly });
      if (!cur?.assignedAgentId) return null;
      const agentId = cur.assignedAgentId;
      const timedOut = how.outcome === 'timed-out';
      const error = timedOut ? `timeout: attempt ${cur.attempts} ran past ${cur.timeoutMs} ms` : how.error;
      const retry = how.retryable && cur.attempts < cur.maxAttempts;
      const status = retry ? 'pending' : how.retryable ? 'dead' : 'failed';
      const row = await endActiveAttempt(
        tx,
        taskId,
        {
          status,
          error,
          statusReason: retry ? null : timedOut ? 'timeout' : null,
          assignedAgentId: retry ? null : cur.assignedAgentId,
          availableAt: retry ? new Date(Date.now() + backoffMs(cur.attempts)) : cur.availableAt,
          finished: !retry,
        },
        how.overdueOnly,
      );
      if (!row) return null;
      await closeAttempt(tx, taskId, how.outcome, error);
      await insertTaskEvent(tx, {
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
  const cur = await activeTaskOf(db, taskId, agentId);
  if (!cur) return null;
  const row = await markRunning(db, taskId, agentId, progress, leaseMsOf(cur));
  if (row && cur.status === 'assigned') {
    await insertTaskEvent(db, { taskId, type: 'started', agentId });
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
      const cur = await lockActiveTask(tx, taskId);
      if (!cur) return null;
      const row = await returnToPending(tx, taskId);
      await insertTaskEvent(tx, { taskId, type: 'requeued', agentId: cur.assignedAgentId, detail: { reason } });
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

/**
 * How an attempt taken back ends: the agent stopped answering (lost), a higher priority needed its
 * resources (preempted), or someone took the task away (revoked).
 */
function outcomeOfRequeue(reason: string): AttemptOutcome {
  if (reason === 'preempted') return 'preempted';
  if (reason === 'cancelled' || reason === 'agent retired') return 'revoked';
  return 'lost';
}
