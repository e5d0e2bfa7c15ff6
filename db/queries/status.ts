import { sql, inArray } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';
import type { Db } from '../client';
import { resourcePools } from '../schema/org';
import { agents, tasks } from '../schema/work';

const scoped = (col: AnyPgColumn, ids: string[] | null) => (ids ? inArray(col, ids) : sql`true`);

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
