import { eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { agents, taskEvents, tasks } from '@/db/schema/work';
import type { TaskRow } from '@/db/queries/tasks';
import { mapRow, rowsOf } from '@/db/rows';
import { runText } from '@/db/raw';
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
  const [row] = await runText<Record<string, unknown> & { claimed: number; agent_active: number | null }>(db, ASSIGN_ONE, [
    task.id,
    agentId,
    leaseMsOf(task),
  ]);
  if (!row || Number(row.claimed) === 0) return { ok: false, reason: 'taken' };
  if (row.agent_active === null || row.id === null) return { ok: false, reason: 'agent-full' };
  return { ok: true, task: mapRow(tasks, row) };
}

/** Written out rather than built (see db/raw.ts): $1 task, $2 agent, $3 lease in ms. */
const ASSIGN_ONE = `
  with claimed as (
    select id from tasks where id = $1::uuid and status = 'pending' for update skip locked
  ), slot as (
    update agents set active_tasks = active_tasks + 1,
      status = case when status = 'idle' then 'busy' else status end,
      last_assigned_at = clock_timestamp()
    where id = $2::uuid and active_tasks < max_concurrent_tasks and status in ('idle', 'busy')
      and exists (select 1 from claimed)
    returning active_tasks
  ), assigned as (
    update tasks set status = 'assigned', assigned_agent_id = $2::uuid, assigned_at = clock_timestamp(),
      lease_expires_at = clock_timestamp() + ($3::int * interval '1 millisecond'),
      attempts = attempts + 1, progress = 0, updated_at = now()
    where id in (select id from claimed) and exists (select 1 from slot)
    returning *
  ), event as (
    insert into task_events (task_id, type, agent_id, detail)
    select id, 'assigned', $2::uuid, jsonb_build_object('attempt', attempts) from assigned
  )
  select (select count(*) from claimed)::int as claimed, (select active_tasks from slot) as agent_active, assigned.*
  from (select 1) as one left join assigned on true`;

/** With resources: claim, slot, grant (which may fall short and roll everything back), hand-out. */
async function assignWithGrant(db: Db, task: Assignable, agentId: string, resources: Record<string, number>): Promise<AssignOutcome> {
  try {
    return await retryTx(() =>
      db.transaction(async (tx) => {
        const claimed = await tx.execute(sql`select id from tasks where id = ${task.id} and status = 'pending' for update skip locked`);
        if (rowsOf(claimed).length === 0) throw new Rollback({ ok: false, reason: 'taken' });
        const [agent] = await tx
          .update(agents)
          .set({
            activeTasks: sql`${agents.activeTasks} + 1`,
            status: sql`case when ${agents.status} = 'idle' then 'busy' else ${agents.status} end`,
            lastAssignedAt: sql`clock_timestamp()`,
          })
          .where(
            sql`${agents.id} = ${agentId} and ${agents.activeTasks} < ${agents.maxConcurrentTasks} and ${agents.status} in ('idle', 'busy')`,
          )
          .returning({ id: agents.id });
        if (!agent) throw new Rollback({ ok: false, reason: 'agent-full' });
        try {
          await grantInTx(tx, { agentId, taskId: task.id, departmentId: task.departmentId, resources, priority: task.priority });
        } catch (err) {
          if (err instanceof InsufficientResources) throw new Rollback({ ok: false, reason: 'no-resources', shortfall: err.shortfall });
          throw err;
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
        return { ok: true as const, task: row };
      }),
    );
  } catch (err) {
    if (err instanceof Rollback) return err.outcome;
    throw err;
  }
}
