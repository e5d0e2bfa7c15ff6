import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { runText } from '@/db/raw';
import { taskOutboxCte } from '@/db/queries/outbox';

export type CompletedRow = Record<string, unknown> & {
  id: string;
  duration_ms: number;
  agent_completed: number | null;
  agent_failed: number;
};

type Waiting = {
  taskId: string;
  agentId: string;
  result: unknown;
  resolve: (row: CompletedRow | null) => void;
  reject: (err: unknown) => void;
};
type Queue = { waiting: Waiting[]; busy: boolean };

// Per database handle: a transaction's completions never join statements outside it.
const queues = new WeakMap<Db, Queue>();
const MAX_BATCH = 500;

/**
 * Completes a task as part of a batch: every completion that arrives while the previous batch is
 * in flight (or in the same event-loop turn) goes to Postgres in one statement, one commit. Under
 * load that is many per statement; alone it is one, after one turn. Answers the completed row, or
 * null when the task was not active and assigned to this agent (the caller tells why).
 */
export function completeBatched(db: Db, agentId: string, taskId: string, result: unknown): Promise<CompletedRow | null> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { waiting: [], busy: false }));
  const queue = q;
  return new Promise((resolve, reject) => {
    queue.waiting.push({ taskId, agentId, result, resolve, reject });
    if (!queue.busy && queue.waiting.length === 1) setImmediate(() => void flush(db, queue));
  });
}

async function flush(db: Db, q: Queue): Promise<void> {
  if (q.busy || !q.waiting.length) return;
  q.busy = true;
  const batch = q.waiting.splice(0, MAX_BATCH);
  try {
    await settle(db, batch);
  } finally {
    q.busy = false;
    if (q.waiting.length) void flush(db, q);
  }
}

async function settle(db: Db, batch: Waiting[]): Promise<void> {
  let rows: CompletedRow[];
  try {
    rows = await retryTx(() => runBatch(db, batch));
  } catch (err) {
    // One completion's value refused (a NUL in its result, say) must not fail the others with it:
    // each goes again alone, and only the one at fault gets the error.
    if (batch.length === 1) return batch[0].reject(err);
    for (const w of batch) await settle(db, [w]);
    return;
  }
  const byTask = new Map(rows.map((r) => [r.id, r]));
  for (const w of batch) {
    const row = byTask.get(w.taskId);
    // A repeat of one completion within the batch: the first takes the row, the repeat is told
    // it was a duplicate by the caller's look-up.
    if (row && row.assigned_agent_id === w.agentId) byTask.delete(w.taskId);
    w.resolve(row && row.assigned_agent_id === w.agentId ? row : null);
  }
}

function runBatch(db: Db, batch: Waiting[]): Promise<CompletedRow[]> {
  const plan = batch.map((w) =>
    w.result === undefined || w.result === null
      ? { task_id: w.taskId, agent_id: w.agentId }
      : { task_id: w.taskId, agent_id: w.agentId, result: w.result },
  );
  return runText<CompletedRow>(db, COMPLETE_TASKS, [JSON.stringify(plan)]);
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
