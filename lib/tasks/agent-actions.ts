import type { Db } from '@/db/client';
import { insertTaskEvent, taskStatusSeenBy } from '@/db/queries/task-events';
import { authorize, type Principal } from '../permissions/rbac';
import { conflict, forbidden, notFound } from '../errors';
import { completeTask, failTask, reportProgress } from '../lifecycle/lifecycle';
import { toTask } from './service';

/** Agent-side calls (socket or REST) act only on tasks assigned to the calling agent. */
function agentOf(principal: Principal, permission: string): string {
  authorize(principal, permission);
  if (principal.kind !== 'agent') throw forbidden('Only the assigned agent may report on a task');
  return principal.id;
}

/**
 * Why a call on a task failed: it was never ours (404), or it moved on without us (409). The
 * latter is a late report from an attempt that ended (timed out, taken back): it is recorded on the
 * task as a `late-report` event, and nothing of it counts (no state change, no metric).
 */
async function refusal(db: Db, agentId: string, taskId: string, call: 'progress' | 'complete' | 'fail'): Promise<Error> {
  const held = await taskStatusSeenBy(db, taskId, agentId);
  if (!held) return notFound('Task');
  await insertTaskEvent(db, { taskId, type: 'late-report', agentId, detail: { call, status: held.status } });
  const why = held.reason ? `now ${held.status}, ${held.reason}` : `now ${held.status}`;
  return conflict(`Task is no longer assigned to this agent (${why}): this attempt ended, its ${call} is refused`);
}

export async function agentProgress(db: Db, principal: Principal, taskId: string, progress?: number) {
  const agentId = agentOf(principal, 'task:progress');
  const row = await reportProgress(db, agentId, taskId, progress);
  if (!row) throw await refusal(db, agentId, taskId, 'progress');
  return { id: row.id, status: row.status, progress: row.progress };
}

export async function agentComplete(db: Db, principal: Principal, taskId: string, result: unknown) {
  const agentId = agentOf(principal, 'task:complete');
  const out = await completeTask(db, agentId, taskId, result);
  if (!out) throw await refusal(db, agentId, taskId, 'complete');
  return { ...toTask(out.task), duplicate: out.duplicate };
}

export async function agentFail(db: Db, principal: Principal, taskId: string, error: string, retryable?: boolean) {
  const agentId = agentOf(principal, 'task:fail');
  const row = await failTask(db, agentId, taskId, error, retryable ?? true);
  if (!row) throw await refusal(db, agentId, taskId, 'fail');
  return toTask(row);
}
