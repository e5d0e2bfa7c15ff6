import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { agents, taskEvents, tasks } from '@/db/schema/work';
import type { TaskRow } from '@/db/queries/tasks';
import { grantInTx, InsufficientResources } from '../resources/grants';

export const DEFAULT_LEASE_MS = 60_000;
export const leaseMsOf = (task: Pick<TaskRow, 'timeoutMs'>) => task.timeoutMs ?? DEFAULT_LEASE_MS;

export type AssignOutcome =
  | { ok: true; task: TaskRow; agentActive: number }
  | { ok: false; reason: 'taken' | 'agent-full' | 'no-resources'; shortfall?: Record<string, number> };

class Rollback extends Error {
  constructor(readonly outcome: AssignOutcome) {
    super('rollback');
  }
}

/**
 * Hands one pending task to one agent in a single transaction: the task row is claimed with
 * SKIP LOCKED (two processes never hand it out twice), the agent's slot is taken by a conditional
 * UPDATE, and any resources the task needs are granted in the same commit.
 */
export async function assignTask(db: Db, task: Pick<TaskRow, 'id' | 'departmentId' | 'requirements' | 'priority' | 'timeoutMs'>, agentId: string): Promise<AssignOutcome> {
  try {
    return await retryTx(() => db.transaction(async (tx) => {
      const claimed = await tx.execute(sql`select id from tasks where id = ${task.id} and status = 'pending' for update skip locked`);
      if (rowCount(claimed) === 0) throw new Rollback({ ok: false, reason: 'taken' });
      const [agent] = await tx
        .update(agents)
        .set({
          activeTasks: sql`${agents.activeTasks} + 1`,
          status: sql`case when ${agents.status} = 'idle' then 'busy' else ${agents.status} end`,
          lastAssignedAt: sql`clock_timestamp()`,
        })
        .where(sql`${agents.id} = ${agentId} and ${agents.activeTasks} < ${agents.maxConcurrentTasks} and ${agents.status} in ('idle', 'busy')`)
        .returning({ activeTasks: agents.activeTasks });
      if (!agent) throw new Rollback({ ok: false, reason: 'agent-full' });
      const resources = task.requirements.resources;
      if (resources && Object.keys(resources).length) {
        try {
          await grantInTx(tx, { agentId, taskId: task.id, departmentId: task.departmentId, resources, priority: task.priority });
        } catch (err) {
          if (err instanceof InsufficientResources) throw new Rollback({ ok: false, reason: 'no-resources', shortfall: err.shortfall });
          throw err;
        }
      }
      const [row] = await tx
        .update(tasks)
        .set({
          status: 'assigned',
          assignedAgentId: agentId,
          assignedAt: sql`clock_timestamp()`,
          leaseExpiresAt: sql`clock_timestamp() + (${leaseMsOf(task)} * interval '1 millisecond')`,
          attempts: sql`${tasks.attempts} + 1`,
          progress: 0,
          updatedAt: new Date(),
        })
        .where(eq(tasks.id, task.id))
        .returning();
      await tx.insert(taskEvents).values({ taskId: task.id, type: 'assigned', agentId, detail: { attempt: row.attempts } });
      return { ok: true as const, task: row, agentActive: agent.activeTasks };
    }));
  } catch (err) {
    if (err instanceof Rollback) return err.outcome;
    throw err;
  }
}

/** postgres.js answers an array, PGlite an object with rows. */
export function rowCount(result: unknown): number {
  if (Array.isArray(result)) return result.length;
  return (result as { rows?: unknown[] }).rows?.length ?? 0;
}
