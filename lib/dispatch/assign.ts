import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import type { TaskRow } from '@/db/queries/tasks';
import { assignPendingTask, claimPendingTask, markAssigned } from '@/db/queries/assignments';
import { takeAgentSlot } from '@/db/queries/agent-slots';
import { insertTaskEvent } from '@/db/queries/task-events';
import { grantInTx, InsufficientResources } from '../resources/grants';
import { leaseMsOf } from '../lifecycle/lease';

export type AssignOutcome =
  | { ok: true; task: TaskRow }
  | { ok: false; reason: 'taken' | 'agent-full' | 'no-resources'; shortfall?: Record<string, number> };

class Rollback extends Error {
  constructor(readonly outcome: AssignOutcome) {
    super('rollback');
  }
}

/**
 * Hands one pending task to one agent atomically: the task row is claimed with SKIP LOCKED (two
 * processes never hand it out twice), the agent's slot is taken by a conditional UPDATE, and any
 * resources the task needs are granted in the same commit.
 */
export async function assignTask(db: Db, task: Assignable, agentId: string): Promise<AssignOutcome> {
  const resources = task.requirements.resources;
  if (resources && Object.keys(resources).length) return assignWithGrant(db, task, agentId, resources);
  return retryTx(() => assignInOneStatement(db, task, agentId));
}

type Assignable = Pick<TaskRow, 'id' | 'departmentId' | 'requirements' | 'priority' | 'timeoutMs'>;

/**
 * The common case, a task that needs no resources, as one statement: one round trip and no
 * transaction held open across the event loop, which is what bounded hand-outs per second when
 * each of the six steps was its own round trip on a pooled connection.
 * Lock order as everywhere: the task (claimed), then the agent.
 */
async function assignInOneStatement(db: Db, task: Assignable, agentId: string): Promise<AssignOutcome> {
  const out = await assignPendingTask(db, task.id, agentId, leaseMsOf(task));
  if (!out.claimed) return { ok: false, reason: 'taken' };
  if (!out.task) return { ok: false, reason: 'agent-full' };
  return { ok: true, task: out.task };
}

/** With resources: claim, slot, grant (which may fall short and roll everything back), hand-out. */
async function assignWithGrant(db: Db, task: Assignable, agentId: string, resources: Record<string, number>): Promise<AssignOutcome> {
  try {
    return await retryTx(() =>
      db.transaction(async (tx) => {
        if (!(await claimPendingTask(tx, task.id))) throw new Rollback({ ok: false, reason: 'taken' });
        if (!(await takeAgentSlot(tx, agentId))) throw new Rollback({ ok: false, reason: 'agent-full' });
        try {
          await grantInTx(tx, { agentId, taskId: task.id, departmentId: task.departmentId, resources, priority: task.priority });
        } catch (err) {
          if (err instanceof InsufficientResources) throw new Rollback({ ok: false, reason: 'no-resources', shortfall: err.shortfall });
          throw err;
        }
        const row = await markAssigned(tx, task.id, agentId, leaseMsOf(task));
        await insertTaskEvent(tx, { taskId: task.id, type: 'assigned', agentId, detail: { attempt: row.attempts } });
        return { ok: true as const, task: row };
      }),
    );
  } catch (err) {
    if (err instanceof Rollback) return err.outcome;
    throw err;
  }
}
