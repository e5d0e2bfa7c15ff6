import { and, inArray, ne } from 'drizzle-orm';
import type { Db } from '../client';
import { runText } from '../raw';
import { tasks } from '../schema/work';

export type CancelledDependant = { id: string; department_id: string; parent_task_id: string | null; cause: string; root: string };

/**
 * Cancels, in one statement, every pending or scheduled (delayed) task that depends on one of the given tasks that ended
 * without completing (dead, failed, cancelled), and through them their own dependants, as far as
 * the graph goes: each with reason `dependency-failed`, naming the dependency that failed it (and
 * the task where the failure began). Tasks created with dependency policy `wait` stay pending, and
 * so does everything behind them. Answers what it cancelled.
 * Written out rather than built (see db/raw.ts): $1 the task ids as a JSON array.
 */
export async function cancelDependantsOf(db: Db, taskIds: string[]): Promise<CancelledDependant[]> {
  if (!taskIds.length) return [];
  return runText<CancelledDependant>(db, CANCEL_DEPENDANTS, [JSON.stringify(taskIds)]);
}

const CANCEL_DEPENDANTS = `
  with recursive failed as (
    select id, status from tasks
    where id in (select jsonb_array_elements_text($1::jsonb)::uuid) and status in ('dead', 'failed', 'cancelled')
  ), doomed(id, cause, cause_status, root) as (
    select t.id, f.id, f.status, f.id from failed f
    join tasks t on t.depends_on @> array[f.id] and cardinality(t.depends_on) > 0
    where t.status in ('pending', 'scheduled') and t.dependency_policy = 'cancel'
    union
    select t.id, d.id, 'cancelled'::text, d.root from doomed d
    join tasks t on t.depends_on @> array[d.id] and cardinality(t.depends_on) > 0
    where t.status in ('pending', 'scheduled') and t.dependency_policy = 'cancel'
  ), picked as (
    select distinct on (id) id, cause, cause_status, root from doomed order by id, cause
  ), cancelled as (
    update tasks t set status = 'cancelled', status_reason = 'dependency-failed',
      error = 'dependency-failed: task ' || p.cause || ' it depends on ended ' || p.cause_status,
      finished_at = clock_timestamp(), updated_at = now()
    from picked p where t.id = p.id and t.status in ('pending', 'scheduled')
    returning t.id, t.department_id, t.parent_task_id, p.cause, p.cause_status, p.root
  ), event as (
    insert into task_events (task_id, type, detail)
    select id, 'cancelled', jsonb_build_object('reason', 'dependency-failed', 'dependency', cause, 'dependencyStatus', cause_status, 'root', root)
    from cancelled
  )
  select id, department_id, parent_task_id, cause, root from cancelled`;

/**
 * Failed tasks (dead, failed, cancelled) that still have a pending dependant with policy `cancel`:
 * what a crash between a failure and its cascade would leave behind, for the periodic sweep.
 */
export async function failedWithPendingDependants(db: Db, limit = 100): Promise<string[]> {
  const rows = await runText<{ id: string }>(db, FAILED_WITH_DEPENDANTS, [limit]);
  return rows.map((r) => r.id);
}

const FAILED_WITH_DEPENDANTS = `
  select distinct d.id from tasks t join tasks d on d.id = any(t.depends_on)
  where t.status in ('pending', 'scheduled') and cardinality(t.depends_on) > 0 and t.dependency_policy = 'cancel'
    and d.status in ('dead', 'failed', 'cancelled')
  limit $1::int`;

/** Of these tasks, those not completed, with their status. */
export async function unfinishedDependencies(db: Db, ids: string[]) {
  return db
    .select({ id: tasks.id, status: tasks.status })
    .from(tasks)
    .where(and(inArray(tasks.id, ids), ne(tasks.status, 'completed')));
}
