import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import type { TaskRow } from '@/db/queries/tasks';
import { assignPlanned } from '@/db/queries/assignments';
import { leaseMsOf } from '../lifecycle/lease';

export type PlannedHandOut = { task: Pick<TaskRow, 'id' | 'timeoutMs'>; agentId: string };
export type BatchOutcome = { assigned: { task: TaskRow }[] };

/**
 * Hands out many pending tasks (none needing resources) in one statement, each to the agent the
 * dispatcher planned for it. Same guarantees as assignTask, per task: a task already taken (by
 * this or another process) is skipped (SKIP LOCKED); an agent whose free slots no longer cover
 * all its planned tasks gets none of them, and they stay pending for the next pass.
 * Lock order: the tasks, then the agents in id order (two batches can't deadlock on agents).
 */
export async function assignBatch(db: Db, plan: PlannedHandOut[]): Promise<BatchOutcome> {
  if (!plan.length) return { assigned: [] };
  const input = plan.map((p) => ({ taskId: p.task.id, agentId: p.agentId, leaseMs: leaseMsOf(p.task) }));
  const rows = await retryTx(() => assignPlanned(db, input));
  return { assigned: rows.map((task) => ({ task })) };
}
