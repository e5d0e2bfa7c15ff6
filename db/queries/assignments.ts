import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { runText } from '../raw';
import { mapRow, rowsOf } from '../rows';
import { tasks } from '../schema/work';
import type { TaskRow } from './tasks';

/**
 * Hands a pending task that needs no resources to an agent in one statement: claims the task
 * (SKIP LOCKED), takes the agent's slot, assigns, records the event. `claimed` false: another
 * hand-out has it; `task` undefined with `claimed`: the agent had no free slot.
 * Lock order as everywhere: the task (claimed), then the agent.
 */
export async function assignPendingTask(
  db: Db,
  taskId: string,
  agentId: string,
  leaseMs: number,
): Promise<{ claimed: boolean; task?: TaskRow }> {
  const [row] = await runText<Record<string, unknown> & { claimed: number; agent_active: number | null }>(db, ASSIGN_ONE, [
    taskId,
    agentId,
    leaseMs,
  ]);
  if (!row || Number(row.claimed) === 0) return { claimed: false };
  if (row.agent_active === null || row.id === null) return { claimed: true };
  return { claimed: true, task: mapRow(tasks, row) };
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

/** Locks the task for the rest of the transaction while it is pending; false when it is not (or another hand-out holds it). */
export async function claimPendingTask(tx: Db, taskId: string): Promise<boolean> {
  const claimed = await tx.execute(sql`select id from tasks where id = ${taskId} and status = 'pending' for update skip locked`);
  return rowsOf(claimed).length > 0;
}

/** The claimed task assigned to the agent, its lease running for `leaseMs`, its attempt counted. */
export async function markAssigned(tx: Db, taskId: string, agentId: string, leaseMs: number): Promise<TaskRow> {
  const [row] = await tx
    .update(tasks)
    .set({
      status: 'assigned',
      assignedAgentId: agentId,
      assignedAt: sql`clock_timestamp()`,
      leaseExpiresAt: sql`clock_timestamp() + (${leaseMs} * interval '1 millisecond')`,
      attempts: sql`${tasks.attempts} + 1`,
      progress: 0,
      updatedAt: new Date(),
    })
    .where(eq(tasks.id, taskId))
    .returning();
  return row;
}

export type PlannedAssignment = { taskId: string; agentId: string; leaseMs: number };

/**
 * Hands out many pending tasks (none needing resources) in one statement, each to its planned
 * agent. A task already taken is skipped (SKIP LOCKED); an agent whose free slots no longer cover
 * all its planned tasks gets none of them. Answers the tasks assigned.
 * Lock order: the tasks, then the agents in id order (two batches can't deadlock on agents).
 */
export async function assignPlanned(db: Db, plan: readonly PlannedAssignment[]): Promise<TaskRow[]> {
  const input = JSON.stringify(plan.map((p) => ({ task_id: p.taskId, agent_id: p.agentId, lease_ms: p.leaseMs })));
  const rows = await runText(db, ASSIGN_BATCH, [input]);
  return rows.map((r) => mapRow(tasks, r));
}

/** Written out rather than built (see db/raw.ts): $1 the plan as JSON [{task_id, agent_id, lease_ms}]. */
const ASSIGN_BATCH = `
  with plan as (
    select * from jsonb_to_recordset($1::jsonb) as p(task_id uuid, agent_id uuid, lease_ms int)
  ), claimed as (
    select t.id, p.agent_id, p.lease_ms from tasks t join plan p on p.task_id = t.id
    where t.status = 'pending' for update of t skip locked
  ), wanted as (
    select agent_id, count(*)::int as n from claimed group by agent_id
  ), locked as (
    select a.id from agents a where a.id in (select agent_id from wanted) order by a.id for update
  ), slot as (
    update agents a set active_tasks = a.active_tasks + w.n,
      status = case when a.status = 'idle' then 'busy' else a.status end,
      last_assigned_at = clock_timestamp()
    from wanted w
    where a.id = w.agent_id and a.id in (select id from locked)
      and a.active_tasks + w.n <= a.max_concurrent_tasks and a.status in ('idle', 'busy')
    returning a.id, a.active_tasks
  ), assigned as (
    update tasks t set status = 'assigned', assigned_agent_id = c.agent_id, assigned_at = clock_timestamp(),
      lease_expires_at = clock_timestamp() + (c.lease_ms * interval '1 millisecond'),
      attempts = t.attempts + 1, progress = 0, updated_at = now()
    from claimed c
    where t.id = c.id and c.agent_id in (select id from slot)
    returning t.*
  ), event as (
    insert into task_events (task_id, type, agent_id, detail)
    select id, 'assigned', assigned_agent_id, jsonb_build_object('attempt', attempts) from assigned
  )
  select assigned.* from assigned join slot on slot.id = assigned.assigned_agent_id`;

/** Of these tasks, those assigned now (to whichever agent). */
export async function assignedAmong(db: Db, ids: string[]): Promise<TaskRow[]> {
  return db
    .select()
    .from(tasks)
    .where(and(inArray(tasks.id, ids), eq(tasks.status, 'assigned')));
}
