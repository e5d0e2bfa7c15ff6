import type { Db } from '@/db/client';
import {
  findAgentBrief,
  findAllocation,
  findTaskBrief,
  listAllocationRows,
  preemptionCandidates,
  type AllocationRow,
} from '@/db/queries/resources';
import { priorities, type Priority } from '@/db/vocabulary';
import { audit } from '../audit/log';
import { authorize, departmentFilter, inScope, OutOfScope, type Principal } from '../permissions/rbac';
import { badRequest, conflict, notFound } from '../errors';
import { emitDomain, publishLive } from '../live';
import { requeueTask } from '../lifecycle/lifecycle';
import { raiseShortage } from '../resources/alerts';
import {
  grantInTx,
  InsufficientResources,
  releaseAllocationInTx,
  releaseForAgentInTx,
  shortfallConflict,
  type Shortfall,
} from '../resources/grants';
import { grantNow } from '../resources/fast-grant';
import type { ListAllocationsQuery } from '../resources/schemas';
import { signalFreed, waitForFreed } from '../resources/signals';

export type Allocation = {
  id: string;
  agentId: string;
  agentName?: string | null;
  taskId: string | null;
  departmentId: string;
  resources: Record<string, number>;
  priority: Priority;
  status: 'active' | 'released' | 'preempted';
  createdAt: string;
  releasedAt: string | null;
};

export function toAllocation(a: AllocationRow, agentName?: string | null): Allocation {
  return {
    id: a.id,
    agentId: a.agentId,
    ...(agentName !== undefined ? { agentName } : {}),
    taskId: a.taskId,
    departmentId: a.departmentId,
    resources: a.resources,
    priority: a.priority,
    status: a.status,
    createdAt: a.createdAt.toISOString(),
    releasedAt: a.releasedAt?.toISOString() ?? null,
  };
}

export type AllocateArgs = {
  agentId: string;
  taskId?: string;
  resources: Partial<Record<string, number>>;
  priority: Priority;
  waitMs?: number;
};

export type AllocationResult = Allocation & { preempted: string[] };

const rankOf = (p: Priority) => priorities.indexOf(p);
// Between retries while queued; a release in this process wakes the waiter sooner.
const RETRY_MS = 200;

/**
 * Grants units to an agent (charged to the agent's department) in one transaction, so concurrent
 * requests never overcommit a pool. When they don't fit: a critical or high request may preempt
 * strictly lower-priority holders of the same department; with `waitMs` the request retries until
 * the deadline; otherwise (or then) 409 with the shortfall.
 */
export async function allocate(db: Db, principal: Principal, input: AllocateArgs): Promise<AllocationResult> {
  authorize(principal, 'allocation:create');
  const agent = await findAgentBrief(db, input.agentId);
  if (!agent) throw notFound('Agent');
  if (!inScope(principal, agent.departmentId)) throw new OutOfScope('Agent');
  if (agent.status === 'retired') throw conflict('Agent is retired');
  if (input.taskId) {
    const task = await findTaskBrief(db, input.taskId);
    if (!task) throw notFound('Task');
    if (!inScope(principal, task.departmentId)) throw new OutOfScope('Task');
  }
  const resources = Object.fromEntries(Object.entries(input.resources).filter(([, n]) => (n ?? 0) > 0)) as Record<string, number>;
  if (!Object.keys(resources).length) throw badRequest('Ask for at least one resource kind');
  const req = { agentId: agent.id, taskId: input.taskId ?? null, departmentId: agent.departmentId, resources, priority: input.priority };
  const deadline = Date.now() + (input.waitMs ?? 0);

  let outcome = await attempt(db, req);
  if ('shortfall' in outcome && Date.now() < deadline) {
    await raiseShortage(db, agent.departmentId, outcome.shortfall, true);
    while ('shortfall' in outcome && Date.now() < deadline) {
      await waitForFreed(agent.departmentId, Math.min(RETRY_MS, deadline - Date.now()));
      outcome = await attempt(db, req);
    }
  }
  if ('shortfall' in outcome) {
    if (!input.waitMs) await raiseShortage(db, agent.departmentId, outcome.shortfall, false);
    throw shortfallConflict(new InsufficientResources(outcome.shortfall));
  }

  const { row, preempted } = outcome;
  await notifyPreempted(db, preempted, input.priority);
  await audit(db, principal, {
    action: 'allocation.create',
    targetType: 'allocation',
    targetId: row.id,
    departmentId: row.departmentId,
    detail: { agentId: row.agentId, taskId: row.taskId, resources, priority: row.priority, preempted: preempted.map((p) => p.id) },
  });
  publishLive({
    type: 'resource:update',
    scope: row.departmentId,
    data: { departmentId: row.departmentId, types: Object.keys(resources) },
  });
  return { ...toAllocation(row), preempted: preempted.map((p) => p.id) };
}

/**
 * Tells each preempted holder over the bus, and puts its task back in the queue: requeueTask
 * makes it pending again and revokes it from the agent (task:revoked), so it is finished later.
 */
async function notifyPreempted(db: Db, preempted: AllocationRow[], byPriority: Priority): Promise<void> {
  for (const p of preempted) {
    emitDomain('agent:message', {
      agentIds: [p.agentId],
      message: { type: 'allocation:preempted', data: { allocationId: p.id, taskId: p.taskId, byPriority } },
    });
    if (p.taskId) await requeueTask(db, p.taskId, 'preempted');
  }
}

/**
 * For dispatch: frees room for a critical or high task whose grant fell short by preempting
 * strictly lower-priority holders of the department (released, their tasks re-queued). Answers
 * whether anything was preempted; the caller then retries its own grant.
 */
export async function preemptLowerPriority(db: Db, departmentId: string, shortfall: Shortfall, priority: Priority): Promise<boolean> {
  if (rankOf(priority) > rankOf('high')) return false;
  const victims = chooseVictims(await preemptionCandidates(db, departmentId, rankOf(priority)), shortfall);
  if (!victims) return false;
  const preempted = await db.transaction(async (tx) => {
    const out: AllocationRow[] = [];
    for (const v of [...victims].sort((a, b) => (a.id < b.id ? -1 : 1)))
      if (await releaseAllocationInTx(tx, v.id, 'preempted')) out.push(v);
    return out;
  });
  await notifyPreempted(db, preempted, priority);
  if (preempted.length) signalFreed(departmentId);
  return preempted.length > 0;
}

type Req = { agentId: string; taskId: string | null; departmentId: string; resources: Record<string, number>; priority: Priority };
type Outcome = { row: AllocationRow; preempted: AllocationRow[] } | { shortfall: Shortfall };

async function attempt(db: Db, req: Req): Promise<Outcome> {
  let shortfall: Shortfall;
  try {
    return { row: await grantNow(db, req), preempted: [] };
  } catch (err) {
    if (!(err instanceof InsufficientResources)) throw err;
    shortfall = err.shortfall;
  }
  if (rankOf(req.priority) > rankOf('high')) return { shortfall };
  try {
    return (await preemptFor(db, req, shortfall)) ?? { shortfall };
  } catch (err) {
    // Two preemptions may still cross on pool rows; Postgres aborts one, which then counts as short.
    if (isDeadlock(err)) return { shortfall };
    throw err;
  }
}

function isDeadlock(err: unknown): boolean {
  const code = (e: unknown) => (e && typeof e === 'object' && 'code' in e ? (e as { code: unknown }).code : undefined);
  return code(err) === '40P01' || code((err as { cause?: unknown })?.cause) === '40P01';
}

/**
 * Picks the fewest strictly-lower-priority holders (lowest priority, newest first) whose units
 * cover the shortfall; releases them and grants in one transaction, so either the request gets
 * its units and they lose theirs, or nothing changes. Equal or higher priority is never touched.
 */
async function preemptFor(db: Db, req: Req, shortfall: Shortfall): Promise<{ row: AllocationRow; preempted: AllocationRow[] } | undefined> {
  const victims = chooseVictims(await preemptionCandidates(db, req.departmentId, rankOf(req.priority)), shortfall);
  if (!victims) return undefined;
  try {
    return await db.transaction(async (tx) => {
      const preempted: AllocationRow[] = [];
      // Id order, so two preempting requests lock holders in the same order.
      for (const v of [...victims].sort((a, b) => (a.id < b.id ? -1 : 1))) {
        if (await releaseAllocationInTx(tx, v.id, 'preempted')) preempted.push(v);
      }
      const row = await grantInTx(tx, req);
      return { row, preempted };
    });
  } catch (err) {
    if (err instanceof InsufficientResources) return undefined;
    throw err;
  }
}

/** Pure: the holders to preempt, or undefined when all of them together can't cover the shortfall. */
export function chooseVictims<T extends { resources: Record<string, number> }>(candidates: T[], shortfall: Shortfall): T[] | undefined {
  const left = { ...shortfall };
  const chosen: T[] = [];
  for (const c of candidates) {
    if (Object.values(left).every((n) => n <= 0)) break;
    if (!Object.entries(c.resources).some(([type, n]) => n > 0 && (left[type] ?? 0) > 0)) continue;
    chosen.push(c);
    for (const [type, n] of Object.entries(c.resources)) if (left[type] !== undefined) left[type] -= n;
  }
  return Object.values(left).every((n) => n <= 0) ? chosen : undefined;
}

/** Gives an allocation's units back. Releasing one already released is a no-op (idempotent DELETE). */
export async function releaseAllocation(db: Db, principal: Principal, id: string): Promise<void> {
  authorize(principal, 'allocation:release');
  const row = await findAllocation(db, id);
  if (!row) throw notFound('Allocation');
  if (!inScope(principal, row.departmentId)) throw new OutOfScope('Allocation');
  const n = await db.transaction((tx) => releaseAllocationInTx(tx, id));
  if (!n) return;
  signalFreed(row.departmentId);
  await audit(db, principal, {
    action: 'allocation.release',
    targetType: 'allocation',
    targetId: id,
    departmentId: row.departmentId,
    detail: { resources: row.resources },
  });
  publishLive({
    type: 'resource:update',
    scope: row.departmentId,
    data: { departmentId: row.departmentId, types: Object.keys(row.resources) },
  });
}

/** Releases everything an agent holds. */
export async function releaseAgent(db: Db, principal: Principal, agentId: string): Promise<{ agentId: string; released: number }> {
  authorize(principal, 'allocation:release');
  const agent = await findAgentBrief(db, agentId);
  if (!agent) throw notFound('Agent');
  if (!inScope(principal, agent.departmentId)) throw new OutOfScope('Agent');
  const released = await db.transaction((tx) => releaseForAgentInTx(tx, agentId));
  if (released) {
    signalFreed(agent.departmentId);
    await audit(db, principal, {
      action: 'allocation.release-agent',
      targetType: 'agent',
      targetId: agentId,
      departmentId: agent.departmentId,
      detail: { released },
    });
    publishLive({ type: 'resource:update', scope: agent.departmentId, data: { departmentId: agent.departmentId } });
  }
  return { agentId, released };
}

/** Newest first; `nextCursor` pages on (createdAt, id). */
export async function listAllocations(
  db: Db,
  principal: Principal,
  q: ListAllocationsQuery,
): Promise<{ items: Allocation[]; nextCursor: string | null }> {
  authorize(principal, 'resource:read', q.departmentId ? { departmentId: q.departmentId, what: 'Department' } : undefined);
  const rows = await listAllocationRows(db, {
    ids: departmentFilter(principal),
    departmentId: q.departmentId,
    agentId: q.agentId,
    taskId: q.taskId,
    status: q.status,
    after: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: q.limit + 1,
  });
  const page = rows.slice(0, q.limit);
  const last = page.at(-1);
  return {
    items: page.map((r) => toAllocation(r.allocation, r.agentName)),
    nextCursor: rows.length > q.limit && last ? encodeCursor(last.allocation) : null,
  };
}

function encodeCursor(a: AllocationRow): string {
  return Buffer.from(`${a.createdAt.toISOString()}|${a.id}`).toString('base64url');
}

function decodeCursor(cursor: string): { createdAt: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const createdAt = new Date(at);
  if (!id || Number.isNaN(createdAt.getTime()) || !/^[0-9a-f-]{36}$/i.test(id)) throw badRequest('Invalid cursor');
  return { createdAt, id };
}
