import type { Db } from '@/db/client';
import {
  endAllocations,
  insertAllocation,
  poolUse,
  reservePoolUnits,
  returnPoolUnits,
  type AllocationInput,
  type AllocationsOf,
} from '@/db/queries/grants';
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
    if (!(await reservePoolUnits(tx, departmentId, type, amount))) {
      const pool = await poolUse(tx, departmentId, type);
      short[type] = pool ? amount - (pool.capacity - pool.allocated) : amount;
    }
  }
  if (Object.keys(short).length) throw new InsufficientResources(short);
}

/** Reserve and record an allocation in one transaction step; the caller owns the transaction. */
export async function grantInTx(tx: Db, input: AllocationInput) {
  await reserveInTx(tx, input.departmentId, input.resources);
  return insertAllocation(tx, input);
}

/**
 * Releases the matching active allocations and gives their units back to the pools, one update
 * per pool in key order (the order grants take them in, so a release and a grant can't deadlock).
 */
async function releaseWhere(tx: Db, of: AllocationsOf, status: 'released' | 'preempted' = 'released'): Promise<number> {
  const released = await endAllocations(tx, of, status);
  const totals = new Map<string, number>();
  for (const a of released)
    for (const [type, n] of Object.entries(a.resources))
      totals.set(`${a.departmentId}\u0000${type}`, (totals.get(`${a.departmentId}\u0000${type}`) ?? 0) + n);
  for (const key of [...totals.keys()].sort()) {
    const [departmentId, type] = key.split('\u0000');
    await returnPoolUnits(tx, departmentId, type, totals.get(key)!);
  }
  return released.length;
}

export const releaseForTaskInTx = (tx: Db, taskId: string) => releaseWhere(tx, { taskId });
export const releaseForAgentInTx = (tx: Db, agentId: string) => releaseWhere(tx, { agentId });
export const releaseAllocationInTx = (tx: Db, allocationId: string, status: 'released' | 'preempted' = 'released') =>
  releaseWhere(tx, { id: allocationId }, status);

export function shortfallConflict(err: InsufficientResources) {
  return conflict(err.message, { shortfall: err.shortfall });
}
