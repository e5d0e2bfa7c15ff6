import { and, eq, inArray, isNotNull, isNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { resourcePools } from '../schema/org';
import { agents, metricSamples, tasks } from '../schema/work';

/** Non-retired agents per department and state: one indexed group-by, run by a loop, not per request. */
export async function agentStateCounts(db: Db) {
  return db
    .select({ departmentId: agents.departmentId, status: agents.status, n: sql<number>`count(*)::int` })
    .from(agents)
    .where(sql`${agents.status} <> 'retired'`)
    .groupBy(agents.departmentId, agents.status);
}

/** Pending tasks per department (served by the partial queue index). */
export async function pendingTaskCounts(db: Db) {
  return db
    .select({ departmentId: tasks.departmentId, n: sql<number>`count(*)::int` })
    .from(tasks)
    .where(sql`${tasks.status} = 'pending'`)
    .groupBy(tasks.departmentId);
}

export async function poolRows(db: Db) {
  return db
    .select({
      departmentId: resourcePools.departmentId,
      type: resourcePools.type,
      capacity: resourcePools.capacity,
      allocated: resourcePools.allocated,
    })
    .from(resourcePools);
}

export type SampleInput = { at: Date; name: string; departmentId: string | null; value: number };

export async function insertSamples(db: Db, rows: SampleInput[]) {
  if (rows.length === 0) return;
  await db.insert(metricSamples).values(rows);
}

export async function hasSampleAt(db: Db, name: string, at: Date): Promise<boolean> {
  const rows = await db
    .select({ id: metricSamples.id })
    .from(metricSamples)
    .where(and(eq(metricSamples.name, name), eq(metricSamples.at, at), isNull(metricSamples.departmentId)))
    .limit(1);
  return rows.length > 0;
}

export async function pruneSamples(db: Db, before: Date): Promise<number> {
  const gone = await db.delete(metricSamples).where(lt(metricSamples.at, before)).returning({ id: metricSamples.id });
  return gone.length;
}

/**
 * Samples of some series bucketed by `bucketSec`, combined across the given departments
 * (null = the system-wide rows). Counts and levels sum across departments per minute, then
 * counts sum per bucket (the caller turns them into rates) and levels average; ratios average.
 */
export async function bucketedSamples(
  db: Db,
  opts: {
    names: string[];
    from: Date;
    to: Date;
    bucketSec: number;
    departmentIds: string[] | null;
    sumNames: string[];
    byDepartment?: boolean;
  },
) {
  // inArray, not `= any(${arr})`: drizzle expands an interpolated array into a row of parameters.
  const deptWhere = opts.byDepartment
    ? opts.departmentIds
      ? inArray(metricSamples.departmentId, opts.departmentIds)
      : isNotNull(metricSamples.departmentId)
    : opts.departmentIds
      ? inArray(metricSamples.departmentId, opts.departmentIds)
      : isNull(metricSamples.departmentId);
  // Per department: keep department_id as a group; otherwise fold departments together per minute.
  const dept = opts.byDepartment ? sql`department_id` : sql`null::text`;
  const summed = opts.sumNames.length ? inArray(metricSamples.name, opts.sumNames) : sql`false`;
  const rows = await db.execute(sql`
    with per_minute as (
      select name, ${dept} as dept, at,
        case when ${summed} then sum(value) else avg(value) end as v
      from metric_samples
      where ${inArray(metricSamples.name, opts.names)} and at >= ${opts.from.toISOString()}::timestamptz and at <= ${opts.to.toISOString()}::timestamptz and ${deptWhere}
      group by name, dept, at
    )
    select name, dept,
      (floor(extract(epoch from at) / ${opts.bucketSec}) * ${opts.bucketSec})::float8 as t,
      sum(v)::float8 as total, avg(v)::float8 as mean, count(*)::int as n
    from per_minute
    group by name, dept, t
    order by name, dept, t`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
    name: string;
    dept: string | null;
    t: number;
    total: number;
    mean: number;
    n: number;
  }[];
  return list.map((r) => ({ name: r.name, dept: r.dept, t: Number(r.t), total: Number(r.total), mean: Number(r.mean), n: Number(r.n) }));
}
