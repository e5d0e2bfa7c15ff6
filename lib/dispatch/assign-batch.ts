import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { mapRow } from '@/db/rows';
import { runText } from '@/db/raw';
import { tasks } from '@/db/schema/work';
import type { TaskRow } from '@/db/queries/tasks';
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
  const input = JSON.stringify(plan.map((p) => ({ task_id: p.task.id, agent_id: p.agentId, lease_ms: leaseMsOf(p.task) })));
  const rows = await retryTx(() => runText(db, ASSIGN_BATCH, [input]));
  return { assigned: rows.map((r) => ({ task: mapRow(tasks, r) })) };
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
