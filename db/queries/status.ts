import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { resourcePools } from '../schema/org';
import { agents, tasks } from '../schema/work';
import { textArray } from './sql-array';

const scoped = (col: unknown, ids: string[] | null) => (ids ? sql`${col} = any(${textArray(ids)})` : sql`true`);

export async function agentCountsByDepartment(db: Db, ids: string[] | null) {
  return db
    .select({ departmentId: agents.departmentId, status: agents.status, n: sql<number>`count(*)::int` })
    .from(agents)
    .where(scoped(agents.departmentId, ids))
    .groupBy(agents.departmentId, agents.status);
}

export async function taskCountsByDepartment(db: Db, ids: string[] | null) {
  return db
    .select({ departmentId: tasks.departmentId, status: tasks.status, n: sql<number>`count(*)::int` })
    .from(tasks)
    .where(scoped(tasks.departmentId, ids))
    .groupBy(tasks.departmentId, tasks.status);
}

export async function poolTotalsByDepartment(db: Db, ids: string[] | null) {
  return db
    .select({
      departmentId: resourcePools.departmentId,
      capacity: sql<number>`sum(${resourcePools.capacity})::float8`,
      allocated: sql<number>`sum(${resourcePools.allocated})::float8`,
    })
    .from(resourcePools)
    .where(scoped(resourcePools.departmentId, ids))
    .groupBy(resourcePools.departmentId);
}
