import { timingSafeEqual } from 'node:crypto';
import type { Db } from '@/db/client';
import {
  currentTasksOf,
  findAgent,
  insertAgent,
  listAgentRows,
  liveAgentCounts,
  lockAgentCreation,
  markAgentRetired,
  replaceAgentSecret,
  updateAgentRow,
  type AgentRow,
} from '@/db/queries/agents';
import { readDepartment } from '@/db/queries/departments';
import { env } from '../env';
import { conflict, notFound, unauthorized, unprocessable } from '../errors';
import { authorize, departmentFilter, inScope, OutOfScope, type Principal } from '../permissions/rbac';
import { audit } from '../audit/log';
import { signToken } from '../keys/jwt';
import { randomToken, sha256 } from '../keys/secret';
import { decodeCursor, page } from '../paging/cursor';
import { emitDomain, publishLive } from '../live';
import { grantInTx, InsufficientResources, releaseForAgentInTx, shortfallConflict } from '../resources/grants';
import { normaliseCapabilities } from '../dispatch/fit';
import { resourceAmountsOf } from '../org/resource-kinds';
import { archivedConflict } from '../org/archived';
import { requeueTask, tasksHeldBy } from '../lifecycle/lifecycle';
import { toTask } from '../tasks/service';
import { presence } from '../presence/presence';
import { cachedPeers } from '../cluster/processes';
import type { CreateAgentInput, ListAgentsQuery, UpdateAgentInput } from './schemas';

/**
 * An agent this process doesn't hold may be connected to another one: the holder writes its beat
 * to the row every 20 s (lease renewals), so a recent beat on a row not marked offline, while other
 * processes are alive, means connected elsewhere.
 */
const ELSEWHERE_BEAT_MS = 45_000;
const connectedElsewhere = (row: AgentRow, now = Date.now()) =>
  (row.status === 'idle' || row.status === 'busy' || row.status === 'draining') &&
  !!row.lastHeartbeatAt &&
  now - row.lastHeartbeatAt.getTime() < ELSEWHERE_BEAT_MS &&
  cachedPeers(now).length > 0;

export function toAgent(row: AgentRow) {
  const live = presence().get(row.id);
  const elsewhere = !live && connectedElsewhere(row);
  return {
    id: row.id,
    departmentId: row.departmentId,
    name: row.name,
    type: row.type,
    specialization: row.specialization,
    capabilities: row.capabilities,
    resources: row.resources,
    maxConcurrentTasks: row.maxConcurrentTasks,
    weight: row.weight,
    status: row.status,
    connected: !!live || elsewhere,
    /** How it is online: a Socket.IO connection, claims over REST (`online (polling)`), through another server process; null when offline. */
    connection: live ? (live.connections > 0 ? ('socket' as const) : ('polling' as const)) : elsewhere ? ('other-process' as const) : null,
    activeTasks: row.activeTasks,
    lastHeartbeatAt: live ? new Date(live.lastBeat).toISOString() : (row.lastHeartbeatAt?.toISOString() ?? null),
    metrics: agentMetrics(row),
    createdAt: row.createdAt.toISOString(),
  };
}

export function agentMetrics(row: Pick<AgentRow, 'completedCount' | 'failedCount' | 'totalDurationMs' | 'recentDurationsMs'>) {
  const finished = row.completedCount + row.failedCount;
  const sorted = [...row.recentDurationsMs].sort((a, b) => a - b);
  return {
    completed: row.completedCount,
    failed: row.failedCount,
    successRate: finished ? row.completedCount / finished : null,
    meanDurationMs: row.completedCount ? Math.round(row.totalDurationMs / row.completedCount) : null,
    p95DurationMs: sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * 0.95) - 1)] : null,
  };
}

export async function createAgent(db: Db, principal: Principal, input: CreateAgentInput, opts: { createdBy?: string } = {}) {
  authorize(principal, 'agent:create', { departmentId: input.departmentId, what: 'Department' });
  const secret = randomToken(32);
  const resources = resourceAmountsOf(input.resources) as Record<string, number>;
  const row = await db
    .transaction(async (tx) => {
      // One creation at a time system-wide, so the department and system limits hold under concurrency.
      await lockAgentCreation(tx);
      const dept = await readDepartment(tx, input.departmentId);
      if (!dept) throw notFound('Department');
      if (dept.archivedAt) throw archivedConflict(dept.id);
      if (dept.status !== 'active') throw conflict(`Department ${dept.id} is inactive`);
      if (!dept.specializations.includes(input.specialization)) {
        throw unprocessable(`Department ${dept.id} has no specialization '${input.specialization}'`, {
          errors: [{ path: 'specialization', message: `One of: ${dept.specializations.join(', ')}` }],
        });
      }
      const { inDept, inSystem } = await liveAgentCounts(tx, dept.id);
      if (inDept >= dept.maxAgents)
        throw conflict(`Department ${dept.id} is at its limit of ${dept.maxAgents} agents`, { limit: 'department' });
      const max = env().MAX_CONCURRENT_AGENTS;
      if (inSystem >= max) throw conflict(`The system is at its limit of ${max} agents (MAX_CONCURRENT_AGENTS)`, { limit: 'system' });
      const created = await insertAgent(tx, {
        departmentId: dept.id,
        name: input.name ?? `${dept.id}-${input.specialization}-${randomToken(3)}`,
        type: input.type,
        specialization: input.specialization,
        capabilities: normaliseCapabilities(input.capabilities),
        resources,
        maxConcurrentTasks: input.maxConcurrentTasks,
        weight: input.weight,
        secretHash: sha256(secret),
        createdBy: opts.createdBy ?? (principal.id || null),
      });
      if (Object.keys(resources).length) {
        await grantInTx(tx, { agentId: created.id, departmentId: dept.id, resources, priority: 'medium' });
      }
      return created;
    })
    .catch((err) => {
      if (err instanceof InsufficientResources) throw shortfallConflict(err);
      throw err;
    });
  await audit(db, principal, {
    action: 'agent.create',
    targetType: 'agent',
    targetId: row.id,
    departmentId: row.departmentId,
    detail: { name: row.name, specialization: row.specialization },
  });
  publishLive({ type: 'agent:update', scope: row.departmentId, data: { id: row.id, status: row.status } });
  return { agent: toAgent(row), credentials: { agentId: row.id, secret } };
}

export async function listAgents(db: Db, principal: Principal, q: ListAgentsQuery) {
  authorize(principal, 'agent:read');
  const rows = await listAgentRows(db, {
    departmentIds: departmentFilter(principal),
    departmentId: q.departmentId,
    status: q.status,
    specialization: q.specialization,
    nameContains: q.q,
    cursor: decodeCursor(q.cursor),
    limit: q.limit + 1,
  });
  const p = page(rows, q.limit);
  return { items: p.items.map(toAgent), nextCursor: p.nextCursor };
}

async function findVisibleAgent(db: Db, principal: Principal, id: string, opts: { self?: boolean } = {}): Promise<AgentRow> {
  // An agent may read itself (its status) without the right to read agents in general.
  if (opts.self && principal.kind === 'agent') {
    if (principal.id !== id) throw new OutOfScope('Agent');
  } else authorize(principal, 'agent:read');
  const row = await findAgent(db, id);
  if (!row) throw notFound('Agent');
  // Same 404 as an unknown id, marked so the probe is audited as a denied attempt.
  if (!inScope(principal, row.departmentId) || (principal.kind === 'agent' && principal.id !== id)) throw new OutOfScope('Agent');
  return row;
}

export async function getAgent(db: Db, principal: Principal, id: string) {
  return toAgent(await findVisibleAgent(db, principal, id));
}

export async function getAgentStatus(db: Db, principal: Principal, id: string) {
  const row = await findVisibleAgent(db, principal, id, { self: true });
  const current = await currentTasksOf(db, id);
  const agent = toAgent(row);
  return {
    id,
    state: agent.status,
    connected: agent.connected,
    connection: agent.connection,
    currentTasks: current.map(toTask),
    metrics: agent.metrics,
    lastHeartbeatAt: agent.lastHeartbeatAt,
  };
}

export async function updateAgent(db: Db, principal: Principal, id: string, input: UpdateAgentInput) {
  const cur = await findVisibleAgent(db, principal, id);
  authorize(principal, 'agent:update', { departmentId: cur.departmentId, what: 'Agent' });
  if (cur.status === 'retired') throw conflict('Agent is retired');
  const { draining, capabilities, ...fields } = input;
  const row = await updateAgentRow(
    db,
    id,
    { ...fields, ...(capabilities ? { capabilities: normaliseCapabilities(capabilities) } : {}) },
    // Leaving draining goes back to idle or busy; not draining already, it changes nothing.
    draining === true ? true : draining === false && cur.status === 'draining' ? false : undefined,
  );
  const live = presence().get(id);
  if (live) {
    if (fields.maxConcurrentTasks) live.maxConcurrentTasks = fields.maxConcurrentTasks;
    if (fields.weight) live.weight = fields.weight;
    if (capabilities) live.capabilities = row.capabilities;
    if (draining !== undefined) live.draining = draining;
    if (!live.draining) emitDomain('agent:free', { agentId: id, departmentId: row.departmentId });
  }
  await audit(db, principal, {
    action: 'agent.update',
    targetType: 'agent',
    targetId: id,
    departmentId: row.departmentId,
    detail: { changed: Object.keys(input) },
  });
  publishLive({ type: 'agent:update', scope: row.departmentId, data: { id, status: row.status } });
  return toAgent(row);
}

/** Retires an agent: its tasks return to the queue, its resources to the pool, its socket closes. */
export async function retireAgent(db: Db, principal: Principal, id: string) {
  const cur = await findVisibleAgent(db, principal, id);
  authorize(principal, 'agent:retire', { departmentId: cur.departmentId, what: 'Agent' });
  if (cur.status === 'retired') return;
  await markAgentRetired(db, id);
  presence().remove(id);
  for (const taskId of await tasksHeldBy(db, id)) await requeueTask(db, taskId, 'agent retired');
  await db.transaction((tx) => releaseForAgentInTx(tx, id));
  emitDomain('agent:retired', { agentId: id });
  await audit(db, principal, { action: 'agent.retire', targetType: 'agent', targetId: id, departmentId: cur.departmentId });
  publishLive({ type: 'agent:update', scope: cur.departmentId, data: { id, status: 'retired' } });
}

/** Exchanges an agent's secret for a short-lived agent token (the secret itself never travels again). */
export async function issueAgentToken(db: Db, id: string, secret: string, ip?: string) {
  const row = await findAgent(db, id);
  const ok = !!row && row.status !== 'retired' && timingSafeEqual(Buffer.from(sha256(secret)), Buffer.from(row.secretHash));
  if (!ok) {
    await audit(
      db,
      { kind: 'agent', id, name: row?.name ?? 'unknown', ip },
      { action: 'agent.token', outcome: 'failure', targetType: 'agent', targetId: id },
    );
    throw unauthorized('Unknown agent or wrong secret');
  }
  const expiresIn = Math.floor(env().TOKEN_EXPIRATION / 1000);
  const accessToken = await signToken({ sub: row.id, typ: 'agent', dept: row.departmentId, cv: row.credentialVersion }, expiresIn);
  return { accessToken, expiresIn };
}

/** A new secret for an agent (the old one stops working); shown once. */
export async function rotateAgentSecret(db: Db, principal: Principal, id: string) {
  const cur = await findVisibleAgent(db, principal, id);
  authorize(principal, 'agent:update', { departmentId: cur.departmentId, what: 'Agent' });
  if (cur.status === 'retired') throw conflict('Agent is retired');
  const secret = randomToken(32);
  // The new version ends every token of the old secret on its next use (lib/auth/principal.ts),
  // and the sockets they opened are closed now: a leaked secret is what a rotation shuts out.
  await replaceAgentSecret(db, id, sha256(secret));
  emitDomain('agent:credentials-ended', { agentId: id });
  await audit(db, principal, { action: 'agent.rotate-secret', targetType: 'agent', targetId: id, departmentId: cur.departmentId });
  return { agentId: id, secret };
}
