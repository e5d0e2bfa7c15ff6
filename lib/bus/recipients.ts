import type { Db } from '@/db/client';
import { agentDepartment, onlineMembers } from '@/db/queries/agents';
import { findDepartment, type DepartmentRow } from '@/db/queries/departments';
import { presence } from '../presence/presence';
import { authorize, isGlobal, type Principal } from '../permissions/rbac';
import { forbidden, notFound, unprocessable } from '../errors';
import { StrategyState, type Strategy } from '../dispatch/strategies';
import type { Candidate } from '../presence/profile';
import type { Address } from './schemas';

/**
 * Short caches: at thousands of messages a second a query per message would be the bottleneck.
 * Department settings and agent → department never change quickly; membership is invalidated
 * locally when an agent connects or leaves, and ages out in a second otherwise (other processes).
 */
const DEPT_TTL = 5_000;
// An agent never changes department; a retired one is refused at the handshake anyway.
const AGENT_TTL = 60_000;
const MEMBERS_TTL = 1_000;
type Cache = {
  depts: Map<string, { row: DepartmentRow | undefined; at: number }>;
  deptLoads: Map<string, Promise<DepartmentRow | undefined>>;
  agentDept: Map<string, { departmentId: string | null; at: number }>;
  members: Map<string, { rows: Candidate[]; at: number }>;
  strategies: StrategyState;
};
function cache(): Cache {
  const g = globalThis as { __ecsBusCache?: Cache };
  // Its own StrategyState: picking message recipients must not move the task dispatcher's cursors.
  return (g.__ecsBusCache ??= {
    depts: new Map(),
    deptLoads: new Map(),
    agentDept: new Map(),
    members: new Map(),
    strategies: new StrategyState(),
  });
}

export function invalidateMembers(departmentId?: string): void {
  if (departmentId) cache().members.delete(departmentId);
  else cache().members.clear();
}

async function department(db: Db, id: string): Promise<DepartmentRow | undefined> {
  const hit = cache().depts.get(id);
  if (hit && Date.now() - hit.at < DEPT_TTL) return hit.row;
  return loadDepartment(db, id);
}

/**
 * One query per department at a time, however many messages ask meanwhile: at thousands of
 * messages a second, an expired entry would otherwise send each of them to the database, and
 * the queries queue behind one another (the messages with them).
 */
function loadDepartment(db: Db, id: string): Promise<DepartmentRow | undefined> {
  const c = cache();
  let p = c.deptLoads.get(id);
  if (!p) {
    p = findDepartment(db, id)
      .then((row) => {
        // Up to half a TTL older than it is, at random: departments loaded together (a burst of
        // first messages) are not all read again at the same moment.
        c.depts.set(id, { row, at: Date.now() - Math.random() * DEPT_TTL * 0.5 });
        return row;
      })
      .finally(() => c.deptLoads.delete(id));
    c.deptLoads.set(id, p);
  }
  return p;
}

/**
 * A department row from the cache without waiting: fresh, or expired by less than one more TTL
 * while one refresh (started here) runs in the background. Settings changes still take effect
 * within two TTLs; the messages in between are not held up by the database.
 */
function cachedDepartment(id: string, db?: Db): { row: DepartmentRow | undefined } | undefined {
  const hit = cache().depts.get(id);
  if (!hit) return undefined;
  const age = Date.now() - hit.at;
  if (age < DEPT_TTL) return hit;
  if (!db) return undefined;
  void loadDepartment(db, id).catch(() => undefined);
  return age < 2 * DEPT_TTL ? hit : undefined;
}

/** What the caches already know about an agent's department (undefined: ask the database). */
function knownDepartmentOfAgent(agentId: string): string | null | undefined {
  // Connected here: presence knows, no query (at thousands of messages a second this matters).
  const local = presence().get(agentId);
  if (local) return local.departmentId;
  const hit = cache().agentDept.get(agentId);
  if (hit && Date.now() - hit.at < AGENT_TTL) return hit.departmentId;
  return undefined;
}

async function departmentOfAgent(db: Db, agentId: string): Promise<string | null> {
  const known = knownDepartmentOfAgent(agentId);
  if (known !== undefined) return known;
  const c = cache().agentDept;
  const row = await agentDepartment(db, agentId);
  const departmentId = row && row.status !== 'retired' ? row.departmentId : null;
  c.set(agentId, { departmentId, at: Date.now() });
  return departmentId;
}

/** Agents that are online somewhere (any process): the database knows, presence is per process. */
async function members(db: Db, departmentId: string): Promise<Candidate[]> {
  const c = cache().members;
  const hit = c.get(departmentId);
  if (hit && Date.now() - hit.at < MEMBERS_TTL) return hit.rows;
  const rows = await onlineMembers(db, departmentId);
  const out = rows.map((r) => ({ ...r, score: 1 })) as Candidate[];
  c.set(departmentId, { rows: out, at: Date.now() });
  return out;
}

export type Resolved =
  | { kind: 'direct'; departmentId: string; agentIds: string[] }
  | { kind: 'department'; departmentId: string; agentIds: string[] }
  | { kind: 'topic'; room: string }
  | { kind: 'broadcast'; room: null };

/**
 * Who may be messaged: an agent messages its own department freely, another department only where
 * that department's collaboratesWith names the sender's (the same rule as collaboration requests).
 * Users need message:send and the target inside their departments (else 404, ids don't leak).
 */
function authorizeDepartment(principal: Principal, dept: DepartmentRow | undefined, departmentId: string, what: string): DepartmentRow {
  authorize(principal, 'message:send');
  if (principal.kind === 'agent') {
    if (!dept) throw unprocessable(`Unknown ${what.toLowerCase()}`, { errors: [{ path: 'to', message: `No such ${what.toLowerCase()}` }] });
    const own = principal.departmentIds[0];
    if (dept.id !== own && !dept.collaboratesWith.includes(own)) throw forbidden(`${dept.name} does not accept messages from ${own}`);
    return dept;
  }
  authorize(principal, 'message:send', { departmentId, what });
  if (!dept) throw notFound(what);
  return dept;
}

/**
 * The same answer as resolveRecipients for direct and topic messages when the caches hold all it
 * needs, without a promise (the common case on a busy bus: per message, every await counts);
 * undefined when the database must be asked.
 */
export function resolveRecipientsCached(principal: Principal, to: Address, db?: Db): Resolved | undefined {
  if ('topic' in to) {
    authorize(principal, 'message:send');
    const owner = topicNamespace(to.topic);
    if (owner) {
      const hit = cachedDepartment(owner, db);
      if (!hit) return undefined;
      authorizeTopicNamespace(principal, hit.row, owner);
    }
    return { kind: 'topic', room: `topic:${to.topic}` };
  }
  if (!('agentId' in to)) return undefined;
  authorize(principal, 'message:send');
  const departmentId = knownDepartmentOfAgent(to.agentId);
  if (!departmentId) return undefined;
  const hit = cachedDepartment(departmentId, db);
  if (!hit) return undefined;
  authorizeDepartment(principal, hit.row, departmentId, 'Agent');
  return { kind: 'direct', departmentId, agentIds: [to.agentId] };
}

export async function resolveRecipients(db: Db, principal: Principal, to: Address): Promise<Resolved> {
  if ('agentId' in to) {
    authorize(principal, 'message:send');
    const departmentId = await departmentOfAgent(db, to.agentId);
    if (!departmentId) {
      if (principal.kind === 'agent') throw unprocessable('Unknown agent', { errors: [{ path: 'to.agentId', message: 'No such agent' }] });
      throw notFound('Agent');
    }
    authorizeDepartment(principal, await department(db, departmentId), departmentId, 'Agent');
    return { kind: 'direct', departmentId, agentIds: [to.agentId] };
  }
  if ('departmentId' in to) {
    const dept = authorizeDepartment(principal, await department(db, to.departmentId), to.departmentId, 'Department');
    const all = await members(db, dept.id);
    if (to.mode === 'all') return { kind: 'department', departmentId: dept.id, agentIds: all.map((a) => a.id) };
    return { kind: 'department', departmentId: dept.id, agentIds: pickOne(dept, all) };
  }
  if ('topic' in to) {
    await authorizeTopic(db, principal, to.topic);
    return { kind: 'topic', room: `topic:${to.topic}` };
  }
  authorize(principal, 'message:send');
  // Everyone means every department: only principals that see every department may do it.
  if (!isGlobal(principal)) throw forbidden('Only organisation-wide roles may broadcast to every agent');
  return { kind: 'broadcast', room: null };
}

/**
 * The topic namespace rule. A topic whose first segment, before '/', is a department's id
 * (`finance/invoices`) belongs to that department: only its members, and agents of departments it
 * collaborates with, may publish or subscribe; users need the permission inside that department.
 * Any other topic (`fleet.status`, `alerts.critical`) is organisation-wide and open to every
 * principal allowed to message. A prefix that names no department is organisation-wide.
 * Subscribing follows the same rule as publishing.
 */
export async function authorizeTopic(db: Db, principal: Principal, topic: string): Promise<void> {
  authorize(principal, 'message:send');
  const owner = topicNamespace(topic);
  if (!owner) return;
  authorizeTopicNamespace(principal, await department(db, owner), owner);
}

function topicNamespace(topic: string): string | undefined {
  const slash = topic.indexOf('/');
  if (slash <= 0) return undefined;
  const prefix = topic.slice(0, slash);
  return /^[a-z0-9][a-z0-9-]*$/.test(prefix) ? prefix : undefined;
}

function authorizeTopicNamespace(principal: Principal, dept: DepartmentRow | undefined, owner: string): void {
  if (!dept) return;
  if (principal.kind === 'agent') {
    const own = principal.departmentIds[0];
    if (dept.id !== own && !dept.collaboratesWith.includes(own))
      throw forbidden(`Topics under ${owner}/ belong to ${dept.name}, which does not collaborate with ${own}`);
    return;
  }
  authorize(principal, 'message:send', { departmentId: dept.id, what: 'Topic namespace' });
}

/** mode: one — by the department's strategy, preferring agents connected to this process (live load). */
function pickOne(dept: DepartmentRow, online: Candidate[]): string[] {
  const local = presence()
    .all()
    .filter((a) => a.departmentId === dept.id && !a.draining);
  const pool = local.length ? local : online;
  if (!pool.length)
    throw unprocessable(`No agent of ${dept.name} is online`, { errors: [{ path: 'to.departmentId', message: 'No online agent' }] });
  const s = cache().strategies;
  const [first] = s.rank((dept.loadBalancingStrategy ?? 'round-robin') as Strategy, dept.id, pool);
  s.picked(dept.id, first.id);
  return [first.id];
}
