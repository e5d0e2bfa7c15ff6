import type { Db } from '../client';
import { runText } from '../raw';
import { mapRow } from '../rows';
import { tasks } from '../schema/work';
import type { FreedAgent } from './agent-slots';
import type { TaskRow } from './tasks';
import { taskOutboxCte } from './webhook-outbox';

export type Completion = { taskId: string; agentId: string; result: unknown };

/** A task completed, how long its attempt ran, and its agent's counts after (none when the agent row is gone). */
export type CompletedTask = { task: TaskRow; durationMs: number; agent?: FreedAgent };

type CompletedRow = Record<string, unknown> & { duration_ms: number; agent_completed: number | null; agent_failed: number };

/**
 * Completes each task still active and assigned to the given agent, in one statement; answers
 * those it completed (a task not active, or another agent's, is left out).
 */
export async function completeTasks(db: Db, completions: readonly Completion[]): Promise<CompletedTask[]> {
  const plan = completions.map((c) =>
    c.result === undefined || c.result === null
      ? { task_id: c.taskId, agent_id: c.agentId }
      : { task_id: c.taskId, agent_id: c.agentId, result: c.result },
  );
  const rows = await runText<CompletedRow>(db, COMPLETE_TASKS, [JSON.stringify(plan)]);
  return rows.map((row) => ({
    task: mapRow(tasks, row),
    durationMs: Number(row.duration_ms),
    agent:
      row.agent_completed === null ? undefined : { completedCount: Number(row.agent_completed), failedCount: Number(row.agent_failed) },
  }));
}

/**
 * Written out rather than built (see db/raw.ts): $1 the completions as JSON [{task_id, agent_id,
 * result?}]. Each task, its event, its agent's slot and counters (one update per agent, however
 * many of its tasks are in the batch), any resources the tasks held, back to their pools, and
 * task.completed for subscribed webhooks (db/queries/outbox.ts).
 * Lock order as everywhere: tasks, then agents, then pools in (department, type) order. Tasks and
 * agents each in id order (the array is computed before the update runs): a statement that locks
 * several tasks (this one, an agent's lease renewal) in another order deadlocked with another such
 * statement, each waiting out deadlock_timeout (1 s). A deadlock is retried by the caller.
 */
const COMPLETE_TASKS = `
  with plan as (
    select * from jsonb_to_recordset($1::jsonb) as p(task_id uuid, agent_id uuid, result jsonb)
  ), mine as (
    select t.id from tasks t join plan p on p.task_id = t.id and t.assigned_agent_id = p.agent_id
    where t.status in ('assigned', 'running') order by t.id for update of t
  ), done as (
    update tasks t set status = 'completed', result = p.result, progress = 1,
      finished_at = clock_timestamp(), lease_expires_at = null, updated_at = now()
    from plan p
    where t.id = any((select array_agg(id) from mine)::uuid[])
      and t.id = p.task_id and t.assigned_agent_id = p.agent_id and t.status in ('assigned', 'running')
    returning t.*, greatest(0, round(extract(epoch from clock_timestamp() - coalesce(t.started_at, t.assigned_at, t.created_at)) * 1000))::int as duration_ms
  ), per_agent as (
    select assigned_agent_id as agent_id, count(*)::int as n, sum(duration_ms)::bigint as total_ms,
      array_agg(duration_ms order by finished_at, id) as durations
    from done group by assigned_agent_id
  ), locked as (
    select a.id from agents a where a.id in (select agent_id from per_agent) order by a.id for update
  ), slot as (
    update agents a set active_tasks = greatest(0, a.active_tasks - pa.n),
      status = case when a.status = 'busy' and a.active_tasks <= pa.n then 'idle' else a.status end,
      completed_count = a.completed_count + pa.n,
      total_duration_ms = a.total_duration_ms + pa.total_ms,
      recent_durations_ms = (a.recent_durations_ms || pa.durations)[greatest(1, cardinality(a.recent_durations_ms) + pa.n - 99):]
    from per_agent pa where a.id = pa.agent_id and a.id in (select id from locked)
    returning a.id, a.completed_count, a.failed_count
  ), event as (
    insert into task_events (task_id, type, agent_id, detail)
    select id, 'completed', assigned_agent_id, jsonb_build_object('durationMs', duration_ms) from done
  ), hooked as (${taskOutboxCte('task.completed', 'done')}
  ), attempt as (
    update task_attempts a set ended_at = done.finished_at, outcome = 'completed'
    from done where a.task_id = done.id and a.ended_at is null
  ), released as (
    update allocations set status = 'released', released_at = now()
    where status = 'active' and task_id in (select id from done)
    returning department_id, resources
  ), freed as (
    select department_id, kind.key as type, sum(kind.value::int) as n
    from released, jsonb_each_text(released.resources) as kind group by 1, 2 order by 1, 2
  ), pools as (
    update resource_pools p set allocated = greatest(0, p.allocated - freed.n), updated_at = now()
    from freed where p.department_id = freed.department_id and p.type = freed.type
  )
  select done.*, slot.completed_count as agent_completed, slot.failed_count as agent_failed
  from done left join slot on slot.id = done.assigned_agent_id`;
