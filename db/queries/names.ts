import { and, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { departments } from '../schema/org';
import { agents, tasks } from '../schema/work';

/** Display names of the given agents and departments (ids that no longer exist are left out). */
export async function namesOf(db: Db, ids: { agents: string[]; departments: string[] }) {
  const [a, d] = await Promise.all([
    ids.agents.length ? db.select({ id: agents.id, name: agents.name }).from(agents).where(inArray(agents.id, ids.agents)) : [],
    ids.departments.length
      ? db.select({ id: departments.id, name: departments.name }).from(departments).where(inArray(departments.id, ids.departments))
      : [],
  ]);
  return { agents: a, departments: d };
}

/** Titles of the given tasks, only those in `departmentIds` when it is given (null: every department). */
export async function taskTitlesOf(db: Db, ids: string[], departmentIds: string[] | null) {
  if (!ids.length) return [];
  return db
    .select({ id: tasks.id, title: tasks.title, status: tasks.status })
    .from(tasks)
    .where(departmentIds ? and(inArray(tasks.id, ids), inArray(tasks.departmentId, departmentIds)) : inArray(tasks.id, ids));
}
