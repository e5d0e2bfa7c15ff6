import type { Db } from '@/db/client';
import { findDepartment } from '@/db/queries/departments';
import {
  activeUnitsByAgent,
  insertPool,
  lockKind,
  poolsOfType,
  poolsWithKinds,
  recentChanges,
  recordCapacityChange,
  updatePoolLimits,
} from '@/db/queries/resources';
import { audit } from '../audit/log';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { badRequest, conflict, notFound, unprocessable } from '../errors';
import { publishLive } from '../live';
import type { CheckInput, UpdateCapacitiesInput } from './schemas';

export type Pool = {
  departmentId: string;
  type: string;
  unit: string;
  costPerUnit: number;
  guaranteed: number;
  maximum: number;
  capacity: number;
  allocated: number;
  available: number;
  /** capacity above the guarantee, taken from the shared reserve. */
  borrowed: number;
  utilisation: number;
  /** allocated units × cost per unit. */
  cost: number;
};

type PoolJoin = Awaited<ReturnType<typeof poolsWithKinds>>[number];

export function toPool(p: PoolJoin): Pool {
  return {
    departmentId: p.departmentId,
    type: p.type,
    unit: p.unit,
    costPerUnit: p.costPerUnit,
    guaranteed: p.guaranteed,
    maximum: p.maximum,
    capacity: p.capacity,
    allocated: p.allocated,
    available: Math.max(0, p.capacity - p.allocated),
    borrowed: Math.max(0, p.capacity - p.guaranteed),
    utilisation: p.capacity ? p.allocated / p.capacity : 0,
    cost: round2(p.allocated * p.costPerUnit),
  };
}

/** Every pool the caller may see. */
export async function listPools(db: Db, principal: Principal): Promise<Pool[]> {
  authorize(principal, 'resource:read');
  return (await poolsWithKinds(db, departmentFilter(principal))).map(toPool);
}

export type DepartmentResources = {
  departmentId: string;
  pools: Pool[];
  cost: { allocated: number; capacity: number };
  agents: AgentCost[];
  changes: { at: string; type: string; capacityBefore: number; capacityAfter: number; reason: string }[];
};

export async function getDepartmentResources(db: Db, principal: Principal, departmentId: string): Promise<DepartmentResources> {
  authorize(principal, 'resource:read', { departmentId, what: 'Department' });
  if (!(await findDepartment(db, departmentId))) throw notFound('Department');
  const [rows, costs, changes] = await Promise.all([
    poolsWithKinds(db, null, departmentId),
    getCosts(db, principal, departmentId),
    recentChanges(db, null, 50, departmentId),
  ]);
  const pools = rows.map(toPool);
  return {
    departmentId,
    pools,
    cost: {
      allocated: round2(pools.reduce((s, p) => s + p.cost, 0)),
      capacity: round2(pools.reduce((s, p) => s + p.capacity * p.costPerUnit, 0)),
    },
    agents: costs.agents,
    changes: changes.map((c) => ({
      at: c.at.toISOString(),
      type: c.type,
      capacityBefore: c.capacityBefore,
      capacityAfter: c.capacityAfter,
      reason: c.reason,
    })),
  };
}

export type AgentCost = { agentId: string; name: string; departmentId: string; resources: Record<string, number>; cost: number };
export type Costs = { departments: { departmentId: string; cost: number }[]; agents: AgentCost[] };

/** What the held units cost (units × cost per unit), per department and per agent. */
export async function getCosts(db: Db, principal: Principal, departmentId?: string): Promise<Costs> {
  authorize(principal, 'resource:read', departmentId ? { departmentId, what: 'Department' } : undefined);
  const ids = departmentFilter(principal);
  const [pools, units] = await Promise.all([poolsWithKinds(db, ids, departmentId), activeUnitsByAgent(db, ids, departmentId)]);
  const price = new Map(pools.map((p) => [p.type, p.costPerUnit]));
  const depts = new Map<string, number>();
  for (const p of pools) depts.set(p.departmentId, (depts.get(p.departmentId) ?? 0) + p.allocated * p.costPerUnit);
  const agents = new Map<string, AgentCost>();
  for (const u of units) {
    const a = agents.get(u.agentId) ?? { agentId: u.agentId, name: u.agentName, departmentId: u.departmentId, resources: {}, cost: 0 };
    a.resources[u.type] = (a.resources[u.type] ?? 0) + Number(u.units);
    a.cost = round2(a.cost + Number(u.units) * (price.get(u.type) ?? 0));
    agents.set(u.agentId, a);
  }
  return {
    departments: [...depts].map(([id, cost]) => ({ departmentId: id, cost: round2(cost) })),
    agents: [...agents.values()].sort((x, y) => y.cost - x.cost),
  };
}

export type Availability = { available: boolean; shortfall: Record<string, number> };
export type KindAvailability = { type: string; asked: number; free: number; unit?: string };

/** Each asked kind against what the department's pools have free now: none of a kind it has no pool for. */
export async function freeUnitsFor(db: Db, departmentId: string, resources: Record<string, number>): Promise<KindAvailability[]> {
  const pools = new Map((await poolsWithKinds(db, null, departmentId)).map((p) => [p.type, p]));
  return Object.entries(resources).map(([type, asked]) => {
    const p = pools.get(type);
    return { type, asked, free: p ? Math.max(0, p.capacity - p.allocated) : 0, unit: p?.unit };
  });
}

/** Would these units fit right now? A kind the department has no pool for is short by the whole amount. */
export async function checkAvailability(db: Db, principal: Principal, input: CheckInput): Promise<Availability> {
  authorize(principal, 'resource:check', { departmentId: input.departmentId, what: 'Department' });
  if (!(await findDepartment(db, input.departmentId))) throw notFound('Department');
  const shortfall: Record<string, number> = {};
  for (const k of await freeUnitsFor(db, input.departmentId, input.resources)) {
    if (k.asked > k.free) shortfall[k.type] = k.asked - k.free;
  }
  return { available: Object.keys(shortfall).length === 0, shortfall };
}

/**
 * Admins set guaranteed and maximum amounts. The capacity follows: raised to a new guarantee
 * (from the reserve), lowered to a new maximum, never below what is allocated. The sum of
 * guarantees, and of capacities, must fit the organisation total of the kind.
 */
export async function updateCapacities(
  db: Db,
  principal: Principal,
  departmentId: string,
  input: UpdateCapacitiesInput,
): Promise<DepartmentResources> {
  authorize(principal, 'resource:update', { departmentId, what: 'Department' });
  if (!(await findDepartment(db, departmentId))) throw notFound('Department');
  const entries = (Object.entries(input) as [string, { guaranteed?: number; maximum?: number }][]).sort(([a], [b]) => (a < b ? -1 : 1));
  const changed: {
    type: string;
    before: { guaranteed: number; maximum: number; capacity: number } | null;
    after: { guaranteed: number; maximum: number; capacity: number };
  }[] = [];
  await db.transaction(async (tx) => {
    for (const [type, limits] of entries) {
      const kind = await lockKind(tx, type);
      if (!kind) throw badRequest(`Unknown resource kind ${type}`);
      const pools = await poolsOfType(tx, type);
      const current = pools.find((p) => p.departmentId === departmentId);
      if (!current && (limits.guaranteed === undefined || limits.maximum === undefined))
        throw unprocessable(`${departmentId} has no ${type} pool yet: give both guaranteed and maximum to create it`);
      const guaranteed = limits.guaranteed ?? current!.guaranteed;
      const maximum = limits.maximum ?? current!.maximum;
      const allocated = current?.allocated ?? 0;
      const before = current?.capacity ?? 0;
      if (guaranteed > maximum) throw unprocessable(`${type}: guaranteed (${guaranteed}) is above maximum (${maximum})`);
      if (maximum > kind.total) throw unprocessable(`${type}: maximum (${maximum}) is above the organisation total (${kind.total})`);
      if (maximum < allocated)
        throw conflict(`${type}: ${allocated} ${kind.unit} are allocated; maximum can't go below that`, { allocated });
      const others = pools.filter((p) => p.departmentId !== departmentId);
      const otherGuaranteed = others.reduce((s, p) => s + p.guaranteed, 0);
      if (otherGuaranteed + guaranteed > kind.total)
        throw conflict(`${type}: guarantees would total ${otherGuaranteed + guaranteed} of ${kind.total} ${kind.unit}`, {
          maxGuaranteed: kind.total - otherGuaranteed,
        });
      const capacity = Math.max(guaranteed, Math.min(before, maximum), allocated);
      const otherCapacity = others.reduce((s, p) => s + p.capacity, 0);
      if (otherCapacity + capacity > kind.total)
        throw conflict(
          `${type}: the shared reserve has ${kind.total - otherCapacity - before} ${kind.unit} left; other pools must give back first`,
          {
            reserve: kind.total - otherCapacity - before,
          },
        );
      const reason = `admin ${principal.name}: guaranteed ${current?.guaranteed ?? 0}→${guaranteed}, maximum ${current?.maximum ?? 0}→${maximum}`;
      if (current) {
        if (!(await updatePoolLimits(tx, departmentId, type, { guaranteed, maximum, capacity })))
          throw conflict(`${type}: allocations changed meanwhile; try again`);
      } else {
        await insertPool(tx, departmentId, type, { guaranteed, maximum, capacity });
      }
      await recordCapacityChange(tx, { departmentId, type, capacityBefore: before, capacityAfter: capacity, reason });
      changed.push({
        type,
        before: current ? { guaranteed: current.guaranteed, maximum: current.maximum, capacity: before } : null,
        after: { guaranteed, maximum, capacity },
      });
    }
  });
  await audit(db, principal, {
    action: 'resource.update',
    targetType: 'department',
    targetId: departmentId,
    departmentId,
    detail: { changed },
  });
  publishLive({ type: 'resource:update', scope: departmentId, data: { departmentId, types: changed.map((c) => c.type) } });
  return getDepartmentResources(db, principal, departmentId);
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}
