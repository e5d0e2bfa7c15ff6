import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { resourcePools } from '@/db/schema/org';
import { allocations } from '@/db/schema/work';
import { type Priority } from '@/db/vocabulary';
import { conflict } from '../errors';

export type ResourceRequest = Record<string, number>;
export type Shortfall = Record<string, number>;

export class InsufficientResources extends Error {
  constructor(readonly shortfall: Shortfall) {
    super(
      `Insufficient resources: ${Object.entries(shortfall)
        .map(([k, v]) => `${k} short by ${v}`)
        .join(', ')}`,
    );
  }
}

/**
 * Reserves `resources` from a department's pools inside the caller's transaction. Each pool is
 * raised by one conditional UPDATE (allocated + n <= capacity), so concurrent grants can never
 * overcommit; pools are touched in type order so two grants can't deadlock.
 * Throws InsufficientResources (the caller rolls back) when any kind falls short.
 */
export async function reserveInTx(tx: Db, departmentId: string, resources: ResourceRequest): Promise<void> {
  const wanted = Object.entries(resources)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const short: Shortfall = {};
  for (const [type, amount] of wanted) {
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
    if (updated.length === 0) {
      const [pool] = await tx
        .select({ capacity: resourcePools.capacity, allocated: resourcePools.allocated })
        .from(resourcePools)
        .where(and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type)));
      short[type] = pool ? amount - (pool.capacity - pool.allocated) : amount;
    }
  }
  if (Object.keys(short).length) throw new InsufficientResources(short);
}

/** Reserve and record an allocation in one transaction step; the caller owns the transaction. */
export async function grantInTx(
  tx: Db,
  input: { agentId: string; taskId?: string | null; departmentId: string; resources: ResourceRequest; priority: Priority },
) {
  await reserveInTx(tx, input.departmentId, input.resources);
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

/** Releases active allocations matching `where` and gives their units back to the pools. */
async function releaseWhere(tx: Db, where: ReturnType<typeof sql>, status: 'released' | 'preempted' = 'released'): Promise<number> {
  const released = await tx
    .update(allocations)
    .set({ status, releasedAt: new Date() })
    .where(sql`${allocations.status} = 'active' and ${where}`)
    .returning({ departmentId: allocations.departmentId, resources: allocations.resources });
  const totals = new Map<string, number>();
  for (const a of released)
    for (const [type, n] of Object.entries(a.resources))
      totals.set(`${a.departmentId}\u0000${type}`, (totals.get(`${a.departmentId}\u0000${type}`) ?? 0) + n);
  for (const key of [...totals.keys()].sort()) {
    const [departmentId, type] = key.split('\u0000');
    await tx
      .update(resourcePools)
      .set({ allocated: sql`greatest(0, ${resourcePools.allocated} - ${totals.get(key)!})`, updatedAt: new Date() })
      .where(and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type)));
  }
  return released.length;
}

export const releaseForTaskInTx = (tx: Db, taskId: string) => releaseWhere(tx, sql`${allocations.taskId} = ${taskId}`);
export const releaseForAgentInTx = (tx: Db, agentId: string) => releaseWhere(tx, sql`${allocations.agentId} = ${agentId}`);
export const releaseAllocationInTx = (tx: Db, allocationId: string, status: 'released' | 'preempted' = 'released') =>
  releaseWhere(tx, sql`${allocations.id} = ${allocationId}`, status);

export function shortfallConflict(err: InsufficientResources) {
  return conflict(err.message, { shortfall: err.shortfall });
}
