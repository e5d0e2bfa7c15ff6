import { randomBytes, randomUUID } from 'node:crypto';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { apiTokens } from '@/db/schema/auth';
import { roles, type Role } from '@/db/vocabulary';
import { departments, resourcePools } from '@/db/schema/org';
import { and, eq } from 'drizzle-orm';
import { allocate } from '@/lib/allocations/allocations';
import { principalOf } from '@/test/principals';
import { agents, tasks } from '@/db/schema/work';
import { schedules } from '@/db/schema/schedules';
import { webhookDeliveries, webhooks } from '@/db/schema/webhooks';
import { insertAlert } from '@/db/queries/alerts';
import { encryptSecret } from '@/lib/keys/crypto';
import { signToken } from '@/lib/keys/jwt';
import { scopedRoles } from '@/lib/permissions/rbac';
import { sha256 } from '@/lib/keys/secret';
import { accessMatrix, type Caller, type Entry, type Fixtures } from './access-matrix';
import { startHarness, type Harness } from '@/test/harness';

type Handler = (req: Request, seg: { params: Promise<Record<string, string>> }) => Promise<Response>;
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;
const ROOT = path.resolve(import.meta.dirname);

/** Every route.ts under app/api/v1, as its URL path (/api/v1/users/[id]). */
function routeFiles(dir = ROOT): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const full = path.join(dir, d.name);
    if (d.isDirectory()) return routeFiles(full);
    return d.name === 'route.ts' ? [full] : [];
  });
}
const urlOf = (file: string) => `/api/v1${path.dirname(file).slice(ROOT.length).split(path.sep).join('/')}`;

const modules = new Map<string, Record<string, unknown>>();
let t: TestDb;
const callers = new Map<Role, Caller>();
let fixtures: Fixtures;

let harness: Harness;

beforeAll(async () => {
  for (const file of routeFiles()) modules.set(urlOf(file), await import(file));
  t = await createTestDb();
  // The Socket.IO namespaces, so routes that deliver over the bus (messages) have one to use.
  harness = await startHarness({ loops: false });
  for (const role of roles) {
    if (role === 'agent') {
      // The agent role is held by agents, who call with an agent token.
      const [a] = await t.db
        .insert(agents)
        .values({
          departmentId: 'marketing',
          name: 'matrix-agent',
          type: 'worker',
          specialization: 'campaigns',
          secretHash: sha256('unused'),
        })
        .returning();
      callers.set(role, {
        role,
        id: a.id,
        departmentIds: ['marketing'],
        token: await signToken({ sub: a.id, typ: 'agent', dept: 'marketing' }, 3600),
      });
      continue;
    }
    const depts = scopedRoles.has(role) ? ['marketing'] : [];
    const u = await makeUser(t.db, role, depts);
    callers.set(role, { role, id: u.id, token: u.token, departmentIds: depts });
  }
  fixtures = {
    unique: (prefix) => `${prefix}-${randomBytes(4).toString('hex')}`,
    user: (role, depts) => makeUser(t.db, role, depts),
    department: async () => {
      const id = `tmp-${randomBytes(4).toString('hex')}`;
      await t.db.insert(departments).values({ id, name: id, maxAgents: 5 });
      return id;
    },
    agent: async (departmentId) => {
      const [a] = await t.db
        .insert(agents)
        .values({
          departmentId,
          name: `agent-${randomBytes(3).toString('hex')}`,
          type: 'worker',
          specialization: 'general',
          secretHash: sha256(randomUUID()),
        })
        .returning({ id: agents.id });
      return a.id;
    },
    task: async (departmentId, status = 'pending', assignedTo) => {
      const [row] = await t.db
        .insert(tasks)
        .values({
          title: 'matrix fixture',
          departmentId,
          type: 'fixture',
          priority: 'medium',
          priorityRank: 2,
          status,
          assignedAgentId: assignedTo ?? null,
          ...(status === 'running'
            ? { leaseExpiresAt: new Date(Date.now() + 600_000), assignedAt: new Date(), startedAt: new Date() }
            : {}),
          ...(status === 'failed' ? { finishedAt: new Date(), error: 'fixture' } : {}),
        })
        .returning({ id: tasks.id });
      return row.id;
    },
    allocation: async (departmentId) => {
      const agentId = await fixtures.agent(departmentId);
      const made = await allocate(t.db, principalOf('super-admin'), { agentId, resources: { storage: 1 }, priority: 'medium' });
      return made.id;
    },
    poolMaximum: async (departmentId, type) => {
      const [pool] = await t.db
        .select()
        .from(resourcePools)
        .where(and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type)));
      return pool.maximum;
    },
    apiToken: async (ownerId) => {
      const id = randomUUID();
      await t.db.insert(apiTokens).values({ id, userId: ownerId, name: 'matrix', secretHash: sha256(randomUUID()) });
      return id;
    },
    alert: async (departmentId) =>
      (await insertAlert(t.db, { kind: 'matrix', severity: 'info', departmentId, message: 'access matrix probe', detail: {} })).id,
    webhook: async (departmentId) => {
      const [row] = await t.db
        .insert(webhooks)
        .values({
          url: 'http://127.0.0.1:9/matrix',
          events: ['task.created'],
          departmentId,
          secret: encryptSecret(`whsec_${Buffer.alloc(32, 1).toString('base64')}`),
        })
        .returning({ id: webhooks.id });
      return row.id;
    },
    failedDelivery: async (departmentId) => {
      const webhookId = await fixtures.webhook(departmentId);
      const [d] = await t.db
        .insert(webhookDeliveries)
        .values({ webhookId, eventType: 'task.created', payload: {}, status: 'failed' })
        .returning({ id: webhookDeliveries.id });
      return { webhookId, deliveryId: d.id };
    },
    schedule: async (departmentId) => {
      const [row] = await t.db
        .insert(schedules)
        .values({
          name: fixtures.unique('matrix'),
          departmentId,
          cron: '0 3 * * *',
          task: { title: 'matrix schedule', type: 'fixture', priority: 'low', maxAttempts: 1 },
          enabled: false,
        })
        .returning({ id: schedules.id });
      return row.id;
    },
  };
});
afterAll(async () => {
  await harness.close();
  await t.drop();
});

async function invoke(e: Entry, token: string | undefined, call: Awaited<ReturnType<Entry['call']>>): Promise<Response> {
  const handler = modules.get(e.path)?.[e.method] as Handler;
  const url = e.path.replace(/\[(\w+)\]/g, (_, k) => call.params?.[k] ?? k) + (call.query ? `?${call.query}` : '');
  return handler(request(e.method, url, { token, body: call.body }), params(call.params ?? {}));
}

describe('access matrix: every route as every role', () => {
  it('has an entry for every method of every /api/v1 route, and none for routes that no longer exist', () => {
    const exported = [...modules].flatMap(([p, mod]) => METHODS.filter((m) => typeof mod[m] === 'function').map((m) => `${m} ${p}`));
    const listed = accessMatrix.map((e) => `${e.method} ${e.path}`);
    expect(
      exported.filter((k) => !listed.includes(k)),
      'routes without an access-matrix entry',
    ).toEqual([]);
    expect(
      listed.filter((k) => !exported.includes(k)),
      'entries for routes that do not exist',
    ).toEqual([]);
    expect(new Set(listed).size, 'duplicate entries').toBe(listed.length);
  });

  const protectedEntries = accessMatrix.filter((e) => !e.public);

  it.each(protectedEntries.map((e) => [`${e.method} ${e.path}`, e] as const))('%s answers 401 without credentials', async (_name, e) => {
    const res = await invoke(e, undefined, await e.call(fixtures, callers.get('super-admin')!));
    expect(res.status).toBe(401);
  });

  for (const e of protectedEntries) {
    describe(`${e.method} ${e.path}`, () => {
      it.each([...roles])('as %s', async (role) => {
        const caller = callers.get(role)!;
        const res = await invoke(e, caller.token, await e.call(fixtures, caller));
        const allowed = e.allow.includes(role);
        const detail = `${role} → ${res.status} ${res.status >= 400 ? await res.clone().text() : ''}`;
        if (allowed) expect(res.status < 300, detail).toBe(true);
        else expect(res.status, detail).toBe(403);
        if (allowed && e.elsewhere && scopedRoles.has(role)) {
          const away = await invoke(e, caller.token, await e.elsewhere(fixtures, caller));
          expect(away.status, `${role} on another department's object`).toBe(404);
        }
      });
    });
  }
});
