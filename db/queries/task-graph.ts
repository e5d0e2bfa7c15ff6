import type { Db } from '../client';
import { runText } from '../raw';

/** One task as a node of the related-tasks graph: its links are read from parent_task_id and depends_on. */
export type TaskNodeRow = {
  id: string;
  title: string;
  status: string;
  department_id: string;
  parent_task_id: string | null;
  depends_on: string[];
};

/**
 * The given tasks and every task one link away from them: their parents, their dependencies, their
 * children (collaboration requests) and their dependants. At most `limit` rows; the given tasks first.
 * Written out rather than built (see db/raw.ts): $1 the task ids as a JSON array, $2 the limit.
 */
export async function taskNeighbourhood(db: Db, taskIds: string[], limit: number): Promise<TaskNodeRow[]> {
  if (!taskIds.length) return [];
  return runText<TaskNodeRow>(db, NEIGHBOURHOOD, [JSON.stringify(taskIds), limit]);
}

const NEIGHBOURHOOD = `
  with f as (select jsonb_array_elements_text($1::jsonb)::uuid as id),
  near as (
    select id, 0 as k from f
    union select t.parent_task_id, 1 from tasks t join f on f.id = t.id where t.parent_task_id is not null
    union select unnest(t.depends_on), 1 from tasks t join f on f.id = t.id
    union select t.id, 1 from tasks t where t.parent_task_id in (select id from f) and t.parent_task_id is not null
    union select t.id, 1 from tasks t
      where cardinality(t.depends_on) > 0 and t.depends_on && (select coalesce(array_agg(id), '{}'::uuid[]) from f)
  ), picked as (select id, min(k) as k from near group by id)
  select t.id, t.title, t.status, t.department_id, t.parent_task_id, t.depends_on::text[] as depends_on
  from picked p join tasks t on t.id = p.id
  order by p.k, t.created_at
  limit $2::int`;

/**
 * Links between a department's tasks and another department's, newest first: collaboration requests
 * (a parent in one, its child in the other) and dependencies across the boundary. Both ends' rows,
 * from at most `limit` links of each kind.
 * Written out rather than built: $1 the department, $2 the limit.
 */
export async function crossDepartmentTasks(db: Db, departmentId: string, limit: number): Promise<TaskNodeRow[]> {
  return runText<TaskNodeRow>(db, CROSS_DEPARTMENT, [departmentId, limit]);
}

const CROSS_DEPARTMENT = `
  with asked as (
    select c.id as a, p.id as b, c.created_at from tasks c join tasks p on p.id = c.parent_task_id
    where c.parent_task_id is not null and c.department_id <> p.department_id and $1 in (c.department_id, p.department_id)
    order by c.created_at desc limit $2::int
  ), waits as (
    select t.id as a, d.id as b, t.created_at from tasks t join tasks d on d.id = any(t.depends_on)
    where cardinality(t.depends_on) > 0 and t.department_id <> d.department_id and $1 in (t.department_id, d.department_id)
    order by t.created_at desc limit $2::int
  ), ends as (
    select a as id, created_at from asked union all select b, created_at from asked
    union all select a, created_at from waits union all select b, created_at from waits
  ), picked as (select id, max(created_at) as at from ends group by id)
  select t.id, t.title, t.status, t.department_id, t.parent_task_id, t.depends_on::text[] as depends_on
  from picked p join tasks t on t.id = p.id
  order by p.at desc, t.id`;
