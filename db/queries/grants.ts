import { and, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { rowsOf } from '../rows';
import { resourcePools } from '../schema/org';
import { allocations } from '../schema/work';
import type { AllocationStatus, Priority } from '../vocabulary';
import type { AllocationRow } from './resources';

export type { AllocationRow };

/*
 * The statements of a grant (reserve units from a pool, record the allocation) and of its release.
 * Grants are on the hand-out path: each function is one statement.
 */

export type AllocationInput = {
  agentId: string;
  taskId?: string | null;
  departmentId: string;
  resources: Record<string, number>;
  priority: Priority;
};

/**
 * One kind in one statement: the conditional UPDATE (allocated + n <= capacity) and the INSERT of
 * the allocation in a CTE, atomic on its own. Undefined when the pool is short (nothing written).
 */
export async function grantOneKind(db: Db, input: AllocationInput, type: string, amount: number): Promise<AllocationRow | undefined> {
  const rows = await db.execute(sql`
    with reserved as (
      update ${resourcePools} set allocated = allocated + ${amount}, updated_at = now()
      where department_id = ${input.departmentId} and type = ${type} and allocated + ${amount} <= capacity
      returning 1
    )
    insert into ${allocations} (agent_id, task_id, department_id, resources, priority)
    select ${input.agentId}::uuid, ${input.taskId ?? null}::uuid, ${input.departmentId}, ${JSON.stringify({ [type]: amount })}::jsonb, ${input.priority}
    from reserved
    returning id, agent_id as "agentId", task_id as "taskId", department_id as "departmentId", resources, priority, status,
      created_at as "createdAt", released_at as "releasedAt"`);
  const list = rowsOf<AllocationRow>(rows);
  if (!list.length) return undefined;
  // Raw rows carry timestamps as strings on postgres.js and Dates on PGlite.
  const row = list[0];
  return { ...row, createdAt: new Date(row.createdAt), releasedAt: row.releasedAt ? new Date(row.releasedAt) : null };
}

/** A pool's capacity and allocated units (undefined: the department has no pool of that kind). */
export async function poolUse(db: Db, departmentId: string, type: string) {
  const [pool] = await db
    .select({ capacity: resourcePools.capacity, allocated: resourcePools.allocated })
    .from(resourcePools)
    .where(and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type)));
  return pool;
}

/** Takes `amount` units of a pool if they fit (the WHERE is the guard); answers whether it did. */
export async function reservePoolUnits(tx: Db, departmentId: string, type: string, amount: number): Promise<boolean> {
  const updated = await tx
    .update(resourcePools)
    .set({ allocated: sql`${resourcePools.allocated} + ${amount}`, updatedAt: new Date() })
    .where(
      and(
        eq(resourcePools.departmentId, departmentId),
        eq(resourcePools.type, type),
        sql`${resourcePools.allocated} + ${amount} <= ${resourcePools.capacity}`,
      ),
    )
    .returning({ type: resourcePools.type });
  return updated.length > 0;
}

export async function insertAllocation(tx: Db, input: AllocationInput): Promise<AllocationRow> {
  const [row] = await tx
    .insert(allocations)
    .values({
      agentId: input.agentId,
      taskId: input.taskId ?? null,
      departmentId: input.departmentId,
      resources: input.resources,
      priority: input.priority,
    })
    .returning();
  return row;
}

/** Which active allocations a release ends. */
export type AllocationsOf = { taskId: string } | { agentId: string } | { id: string };

function allocationsOf(of: AllocationsOf): SQL {
  if ('taskId' in of) return sql`${allocations.taskId} = ${of.taskId}`;
  if ('agentId' in of) return sql`${allocations.agentId} = ${of.agentId}`;
  return sql`${allocations.id} = ${of.id}`;
}

/** Ends the matching active allocations; answers what each held, for the pools to take back. */
export async function endAllocations(tx: Db, of: AllocationsOf, status: Exclude<AllocationStatus, 'active'>) {
  return tx
    .update(allocations)
    .set({ status, releasedAt: new Date() })
    .where(sql`${allocations.status} = 'active' and ${allocationsOf(of)}`)
    .returning({ departmentId: allocations.departmentId, resources: allocations.resources });
}

/** Gives `amount` units back to a pool (never below zero). */
export async function returnPoolUnits(tx: Db, departmentId: string, type: string, amount: number): Promise<void> {
  await tx
    .update(resourcePools)
    .set({ allocated: sql`greatest(0, ${resourcePools.allocated} - ${amount})`, updatedAt: new Date() })
    .where(and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type)));
}
