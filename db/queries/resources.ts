import { and, asc, desc, eq, inArray, sql, type Column } from 'drizzle-orm';
import type { Db } from '../client';
import { resourceChanges, resourceKinds, resourcePools } from '../schema/org';
import { agents, allocations, metricSamples, tasks } from '../schema/work';

export type PoolRow = typeof resourcePools.$inferSelect;
export type AllocationRow = typeof allocations.$inferSelect;

/** Pools with their kind's unit and cost; `ids` null = every department. */
export async function poolsWithKinds(db: Db, ids: string[] | null, departmentId?: string) {
  return db
    .select({
      departmentId: resourcePools.departmentId,
      type: resourcePools.type,
      guaranteed: resourcePools.guaranteed,
      maximum: resourcePools.maximum,
      capacity: resourcePools.capacity,
      allocated: resourcePools.allocated,
      overThresholdSince: resourcePools.overThresholdSince,
      updatedAt: resourcePools.updatedAt,
      unit: resourceKinds.unit,
      costPerUnit: resourceKinds.costPerUnit,
    })
    .from(resourcePools)
    .innerJoin(resourceKinds, eq(resourceKinds.type, resourcePools.type))
    .where(
      and(
        ids ? inDepartments(resourcePools.departmentId, ids) : undefined,
        departmentId ? eq(resourcePools.departmentId, departmentId) : undefined,
      ),
    )
    .orderBy(asc(resourcePools.departmentId), asc(resourcePools.type));
}

export async function allKinds(db: Db) {
  return db.select().from(resourceKinds).orderBy(asc(resourceKinds.type));
}

/**
 * Locks one kind's row: every capacity change of that kind (admin, auto-scaling, rebalancing)
 * takes it first, so the sum of capacities can't pass the organisation total between a read and a write.
 */
export async function lockKind(tx: Db, type: string) {
  const [kind] = await tx.select().from(resourceKinds).where(eq(resourceKinds.type, type)).for('update');
  return kind;
}

export async function poolsOfType(tx: Db, type: string): Promise<PoolRow[]> {
  return tx.select().from(resourcePools).where(eq(resourcePools.type, type)).orderBy(asc(resourcePools.departmentId));
}

/** Moves a pool's capacity, never below what is allocated at that instant (the WHERE is the guard). */
export async function setCapacity(
  tx: Db,
  departmentId: string,
  type: string,
  before: number,
  after: number,
  reason: string,
): Promise<boolean> {
  const updated = await tx
    .update(resourcePools)
    .set({ capacity: after, updatedAt: new Date() })
    .where(
      and(
        eq(resourcePools.departmentId, departmentId),
        eq(resourcePools.type, type),
        eq(resourcePools.capacity, before),
        sql`${resourcePools.allocated} <= ${after}`,
      ),
    )
    .returning({ type: resourcePools.type });
  if (!updated.length) return false;
  await tx.insert(resourceChanges).values({ departmentId, type, capacityBefore: before, capacityAfter: after, reason });
  return true;
}

/** When a pool went hot (null: it is not), for auto-scaling's sustain timer. */
export async function markOverThreshold(tx: Db, departmentId: string, type: string, since: Date | null): Promise<void> {
  await tx
    .update(resourcePools)
    .set({ overThresholdSince: since })
    .where(and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type)));
}

export type PoolLimits = { guaranteed: number; maximum: number; capacity: number };

/** An admin's new limits for a pool, unless more than `capacity` is allocated by now; answers whether it changed. */
export async function updatePoolLimits(tx: Db, departmentId: string, type: string, l: PoolLimits): Promise<boolean> {
  const updated = await tx
    .update(resourcePools)
    .set({ guaranteed: l.guaranteed, maximum: l.maximum, capacity: l.capacity, updatedAt: new Date() })
    .where(
      and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type), sql`${resourcePools.allocated} <= ${l.capacity}`),
    )
    .returning({ type: resourcePools.type });
  return updated.length > 0;
}

export async function insertPool(tx: Db, departmentId: string, type: string, l: PoolLimits): Promise<void> {
  await tx.insert(resourcePools).values({ departmentId, type, guaranteed: l.guaranteed, maximum: l.maximum, capacity: l.capacity });
}

export async function recordCapacityChange(
  tx: Db,
  c: { departmentId: string; type: string; capacityBefore: number; capacityAfter: number; reason: string },
): Promise<void> {
  await tx.insert(resourceChanges).values(c);
}

export async function recentChanges(db: Db, ids: string[] | null, limit = 50, departmentId?: string) {
  return db
    .select()
    .from(resourceChanges)
    .where(
      and(
        ids ? inDepartments(resourceChanges.departmentId, ids) : undefined,
        departmentId ? eq(resourceChanges.departmentId, departmentId) : undefined,
      ),
    )
    .orderBy(desc(resourceChanges.id))
    .limit(limit);
}

export async function findAgentBrief(db: Db, id: string) {
  const [row] = await db
    .select({ id: agents.id, departmentId: agents.departmentId, status: agents.status, name: agents.name })
    .from(agents)
    .where(eq(agents.id, id))
    .limit(1);
  return row;
}

export async function findTaskBrief(db: Db, id: string) {
  const [row] = await db
    .select({ id: tasks.id, departmentId: tasks.departmentId, status: tasks.status })
    .from(tasks)
    .where(eq(tasks.id, id))
    .limit(1);
  return row;
}

export async function findAllocation(db: Db, id: string): Promise<AllocationRow | undefined> {
  const [row] = await db.select().from(allocations).where(eq(allocations.id, id)).limit(1);
  return row;
}

const rank = sql`case ${allocations.priority} when 'critical' then 0 when 'high' then 1 when 'medium' then 2 else 3 end`;

/** Active holders of a department strictly below `priorityRank`, lowest priority and newest first: the cheapest to preempt. */
export async function preemptionCandidates(db: Db, departmentId: string, priorityRank: number) {
  return db
    .select()
    .from(allocations)
    .where(and(eq(allocations.departmentId, departmentId), eq(allocations.status, 'active'), sql`${rank} > ${priorityRank}`))
    .orderBy(desc(rank), desc(allocations.createdAt))
    .limit(500);
}

export type AllocationFilter = {
  ids: string[] | null;
  departmentId?: string;
  agentId?: string;
  taskId?: string;
  status?: 'active' | 'released' | 'preempted';
  after?: { createdAt: Date; id: string };
  limit: number;
};

// JS dates carry milliseconds, Postgres microseconds: page on the millisecond so a cursor skips nothing.
const createdMs = sql`date_trunc('milliseconds', ${allocations.createdAt})`;

/** Newest first, keyset-paged on (created_at, id). */
export async function listAllocationRows(db: Db, f: AllocationFilter) {
  return db
    .select({ allocation: allocations, agentName: agents.name })
    .from(allocations)
    .leftJoin(agents, eq(agents.id, allocations.agentId))
    .where(
      and(
        f.ids ? inDepartments(allocations.departmentId, f.ids) : undefined,
        f.departmentId ? eq(allocations.departmentId, f.departmentId) : undefined,
        f.agentId ? eq(allocations.agentId, f.agentId) : undefined,
        f.taskId ? eq(allocations.taskId, f.taskId) : undefined,
        f.status ? eq(allocations.status, f.status) : undefined,
        f.after
          ? sql`(${createdMs}, ${allocations.id}) < (${f.after.createdAt.toISOString()}::timestamptz, ${f.after.id}::uuid)`
          : undefined,
      ),
    )
    .orderBy(desc(createdMs), desc(allocations.id))
    .limit(f.limit);
}

/** Units each agent of the scope holds now, for the cost view. */
export async function activeUnitsByAgent(db: Db, ids: string[] | null, departmentId?: string) {
  return db
    .select({
      agentId: allocations.agentId,
      agentName: agents.name,
      departmentId: allocations.departmentId,
      type: sql<string>`r.key`,
      units: sql<number>`sum((r.value)::numeric)::float8`,
    })
    .from(allocations)
    .innerJoin(agents, eq(agents.id, allocations.agentId))
    .innerJoin(sql`jsonb_each_text(${allocations.resources}) as r`, sql`true`)
    .where(
      and(
        eq(allocations.status, 'active'),
        ids ? inDepartments(allocations.departmentId, ids) : undefined,
        departmentId ? eq(allocations.departmentId, departmentId) : undefined,
      ),
    )
    .groupBy(allocations.agentId, agents.name, allocations.departmentId, sql`r.key`);
}

/**
 * Queued demand: what pending tasks ask for, per department and kind, with the most urgent
 * priority among them. Requirements are client JSON, so non-numbers count as nothing.
 */
export async function pendingDemand(db: Db) {
  const rows = await db.execute(sql`
    select t.department_id as "departmentId", r.key as type,
           sum(case when r.value ~ '^[0-9]+(\\.[0-9]+)?$' then r.value::numeric else 0 end)::float8 as amount,
           min(t.priority_rank)::int as "bestRank", count(*)::int as tasks
    from ${tasks} t, jsonb_each_text(t.requirements->'resources') r
    where t.status = 'pending' and jsonb_typeof(t.requirements->'resources') = 'object'
    group by 1, 2`);
  return (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as {
    departmentId: string;
    type: string;
    amount: number;
    bestRank: number;
    tasks: number;
  }[];
}

/** `col in ids`; drizzle expands a JS array into a parameter list, so `= any(${ids}::text[])` breaks on one id. */
function inDepartments(col: Column, ids: string[]) {
  return ids.length ? inArray(col, ids) : sql`false`;
}

/** Mean utilisation per minute and kind over the scope, from the sampled `resource.utilisation.<kind>` rows. */
export async function utilisationHistory(db: Db, ids: string[] | null, since: Date, departmentId?: string) {
  return db
    .select({
      minute: sql<string>`to_char(date_trunc('minute', ${metricSamples.at}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI"Z"')`,
      type: sql<string>`substr(${metricSamples.name}, length('resource.utilisation.') + 1)`,
      value: sql<number>`avg(${metricSamples.value})::float8`,
    })
    .from(metricSamples)
    .where(
      and(
        sql`${metricSamples.name} like 'resource.utilisation.%' and ${metricSamples.at} >= ${since.toISOString()}::timestamptz`,
        ids ? inDepartments(metricSamples.departmentId, ids) : undefined,
        departmentId ? eq(metricSamples.departmentId, departmentId) : undefined,
      ),
    )
    .groupBy(sql`1`, sql`2`)
    .orderBy(sql`1`);
}
