import { and, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { runText } from '../raw';
import { tasks } from '../schema/work';
import type { TaskRow } from './tasks';

const PROMOTE = `with due as (
    select id from tasks where status = 'scheduled' and available_at <= now()
    order by available_at limit $1 for update skip locked
  ), promoted as (
    update tasks t set status = 'pending', updated_at = now()
    from due where t.id = due.id and t.status = 'scheduled'
    returning t.id, t.department_id
  ), event as (
    insert into task_events (task_id, type, detail) select id, 'due', '{}'::jsonb from promoted
  )
  select id, department_id from promoted`;

/** Up to `limit` due scheduled tasks made pending, with their events, in one statement. */
export async function promoteDueTasks(db: Db, limit: number): Promise<{ id: string; departmentId: string }[]> {
  const rows = await runText<{ id: string; department_id: string }>(db, PROMOTE, [limit]);
  return rows.map((r) => ({ id: r.id, departmentId: r.department_id }));
}

/** A task still waiting for its start time, cancelled; undefined when it was no longer scheduled. */
export async function cancelWhileScheduled(tx: Db, id: string): Promise<TaskRow | undefined> {
  const [row] = await tx
    .update(tasks)
    .set({ status: 'cancelled', finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(tasks.id, id), eq(tasks.status, 'scheduled')))
    .returning();
  return row;
}
