import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { resourcePools } from '@/db/schema/org';
import { tasks } from '@/db/schema/work';
import { closeQuotaRedis } from '@/lib/quotas/redis';
import { used } from '@/lib/quotas/limiter';
import { tasksKey } from '@/lib/quotas/tasks';
import { POST as deptsPOST } from '../departments/route';
import { PATCH as deptPATCH } from '../departments/[id]/route';
import { POST as tokensPOST } from '../tokens/route';
import { GET as meGET } from '../me/route';
import { POST as tasksPOST } from './route';
import { POST as collaborationsPOST } from '../collaborations/route';
import { POST as batchPOST } from './batch/route';
import { departments } from '@/db/schema/org';

let t: TestDb;
let admin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await createTestDb();
  admin = await makeUser(t.db, 'super-admin');
});
afterAll(async () => {
  await closeQuotaRedis();
  await t.drop();
});

// Each test has its own department, so one test's counters can't touch another's (or another run's, in Redis).
async function department(quotas: Record<string, number | null>) {
  const id = `q-${Math.random().toString(36).slice(2, 10)}`;
  expect(
    (await deptsPOST(request('POST', '/api/v1/departments', { token: admin.token, body: { id, name: id, resourceTypes: ['compute'] } })))
      .status,
  ).toBe(201);
  const res = await patchQuotas(id, quotas);
  expect(res.status).toBe(200);
  return id;
}
const patchQuotas = (id: string, quotas: Record<string, number | null>) =>
  deptPATCH(request('PATCH', `/api/v1/departments/${id}`, { token: admin.token, body: { quotas } }), params({ id }));
const createTask = (departmentId: string, token = admin.token) =>
  tasksPOST(request('POST', '/api/v1/tasks', { token, body: { title: 'quota probe', departmentId, type: 'probe' } }));
const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((m, s) => {
    m[s] = (m[s] ?? 0) + 1;
    return m;
  }, {});

describe('department quotas', () => {
  it('tasksPerMinute: past the rate a create answers 429 with Retry-After and a problem naming the quota', async () => {
    const id = await department({ tasksPerMinute: 3 });
    const results = await Promise.all(Array.from({ length: 5 }, () => createTask(id)));
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 3, 429: 2 });
    const limited = results.find((r) => r.status === 429)!;
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect(await limited.json()).toMatchObject({ status: 429, quota: 'tasksPerMinute', limit: 3, departmentId: id });
    expect(await t.db.$count(tasks, eq(tasks.departmentId, id))).toBe(3);
  });

  it('maxPendingTasks: parallel creates stop exactly at the cap, the rest answer 409 naming it', async () => {
    const id = await department({ maxPendingTasks: 7 });
    const results = await Promise.all(Array.from({ length: 20 }, () => createTask(id)));
    expect(tally(results.map((r) => r.status))).toEqual({ 201: 7, 409: 13 });
    const refused = await results.find((r) => r.status === 409)!.json();
    expect(refused).toMatchObject({ status: 409, quota: 'maxPendingTasks', limit: 7, used: 7, departmentId: id });
    expect(await t.db.$count(tasks, and(eq(tasks.departmentId, id), eq(tasks.status, 'pending')))).toBe(7);
    // A task leaving the queue makes room for exactly one more.
    const [one] = await t.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.departmentId, id)).limit(1);
    await t.db.update(tasks).set({ status: 'cancelled' }).where(eq(tasks.id, one.id));
    expect((await createTask(id)).status).toBe(201);
    expect((await createTask(id)).status).toBe(409);
  });

  it('maxMonthlyCost: once the held resources cost the cap, creates answer 409 naming it', async () => {
    const id = await department({ maxMonthlyCost: 100 });
    await t.db
      .insert(resourcePools)
      .values({ departmentId: id, type: 'compute', guaranteed: 10, maximum: 10, capacity: 10, allocated: 3 })
      .onConflictDoUpdate({ target: [resourcePools.departmentId, resourcePools.type], set: { allocated: 3 } });
    expect((await createTask(id)).status).toBe(201); // 3 vCPU × 25 = 75 < 100
    await t.db
      .update(resourcePools)
      .set({ allocated: 4 })
      .where(and(eq(resourcePools.departmentId, id), eq(resourcePools.type, 'compute')));
    const res = await createTask(id);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ quota: 'maxMonthlyCost', limit: 100, used: 100 });
  });

  it('null removes a quota; a quota left out of a PATCH stays', async () => {
    const id = await department({ tasksPerMinute: 1, maxPendingTasks: 1 });
    expect((await createTask(id)).status).toBe(201);
    expect((await createTask(id)).status).toBe(429);
    const cleared = await patchQuotas(id, { tasksPerMinute: null });
    expect((await cleared.json()).quotas).toEqual({ tasksPerMinute: null, maxPendingTasks: 1, maxMonthlyCost: null });
    const capped = await createTask(id);
    expect(capped.status).toBe(409);
    expect((await capped.json()).quota).toBe('maxPendingTasks');
    await patchQuotas(id, { maxPendingTasks: null });
    expect((await Promise.all(Array.from({ length: 5 }, () => createTask(id)))).map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
  });

  it('refuses a quota of the wrong shape with 400', async () => {
    const id = await department({});
    for (const quotas of [{ tasksPerMinute: 0 }, { maxPendingTasks: -1 }, { maxMonthlyCost: 'lots' }, { requestsPerMinute: 5 }]) {
      expect((await patchQuotas(id, quotas as never)).status).toBe(400);
    }
  });

  it('a refused create gives its point back: a full cap does not also spend the rate', async () => {
    const id = await department({ tasksPerMinute: 2, maxPendingTasks: 1 });
    expect((await createTask(id)).status).toBe(201);
    for (let i = 0; i < 4; i++) expect((await createTask(id)).status).toBe(409);
    const [one] = await t.db.select({ id: tasks.id }).from(tasks).where(eq(tasks.departmentId, id)).limit(1);
    await t.db
      .update(tasks)
      .set({ status: 'cancelled' })
      .where(inArray(tasks.id, [one.id]));
    expect((await createTask(id)).status).toBe(201);
  });
});

describe('every door obeys the quotas', () => {
  it('a collaboration child counts against the target department, which refuses it past its cap', async () => {
    const from = await department({});
    const target = await department({ maxPendingTasks: 1 });
    await t.db
      .update(departments)
      .set({ collaboratesWith: [from] })
      .where(eq(departments.id, target));
    const parent = await (await createTask(from)).json();
    const ask = () =>
      collaborationsPOST(
        request('POST', '/api/v1/collaborations', {
          token: admin.token,
          body: { taskId: parent.id, targetDepartmentId: target, request: { title: 'help' } },
        }),
      );
    expect((await ask()).status).toBe(201);
    const refused = await ask();
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ quota: 'maxPendingTasks', departmentId: target });
  });
  it('a batch sent 5 times at once under one Idempotency-Key takes the rate once, and each answer is that batch', async () => {
    const id = await department({ tasksPerMinute: 10 });
    const body = { tasks: [0, 1, 2].map((n) => ({ title: `batch ${n}`, departmentId: id, type: 'probe' })) };
    const send = () =>
      batchPOST(request('POST', '/api/v1/tasks/batch', { token: admin.token, body, headers: { 'idempotency-key': `same-${id}` } }));
    const answers = await Promise.all(Array.from({ length: 5 }, send));
    expect(answers.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    const ids = await Promise.all(answers.map(async (r) => (await r.json()).results.map((x: { id: string }) => x.id)));
    for (const other of ids) expect(other).toEqual(ids[0]);
    expect(await t.db.$count(tasks, eq(tasks.departmentId, id))).toBe(3);
    expect(await used(t.db, tasksKey(id), { points: 10, durationSec: 60 })).toBe(3);
  });

  it('a batch under an Idempotency-Key refused by a cap gives its points of the rate back', async () => {
    const id = await department({ tasksPerMinute: 10, maxPendingTasks: 1 });
    expect((await createTask(id)).status).toBe(201);
    const body = { tasks: [0, 1].map((n) => ({ title: `capped ${n}`, departmentId: id, type: 'probe' })) };
    const res = await batchPOST(
      request('POST', '/api/v1/tasks/batch', { token: admin.token, body, headers: { 'idempotency-key': `cap-${id}` } }),
    );
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ quota: 'maxPendingTasks', departmentId: id });
    expect(await t.db.$count(tasks, eq(tasks.departmentId, id))).toBe(1);
    expect(await used(t.db, tasksKey(id), { points: 10, durationSec: 60 })).toBe(1);
  });
});

describe('API token quotas', () => {
  it('requestsPerMinute: past it every request with the token answers 429 naming the quota; other tokens are unaffected', async () => {
    const owner = await makeUser(t.db, 'department-admin', ['engineering']);
    const made = await tokensPOST(
      request('POST', '/api/v1/tokens', { token: owner.token, body: { name: 'limited', quotas: { requestsPerMinute: 4 } } }),
    );
    expect(made.status).toBe(201);
    const limited = await made.json();
    expect(limited.quotas).toEqual({ requestsPerMinute: 4 });
    const other = await (await tokensPOST(request('POST', '/api/v1/tokens', { token: owner.token, body: { name: 'free' } }))).json();
    expect(other.quotas).toEqual({ requestsPerMinute: null });
    const me = (token: string) => meGET(request('GET', '/api/v1/me', { token }));
    const results = await Promise.all(Array.from({ length: 6 }, () => me(limited.token)));
    expect(tally(results.map((r) => r.status))).toEqual({ 200: 4, 429: 2 });
    const refused = results.find((r) => r.status === 429)!;
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await refused.json()).toMatchObject({ quota: 'requestsPerMinute', limit: 4, tokenId: limited.id });
    expect((await me(other.token)).status).toBe(200);
  });

  it('a token quota of null is no quota, and a wrong one is refused', async () => {
    const owner = await makeUser(t.db, 'department-admin', ['engineering']);
    const made = await (
      await tokensPOST(request('POST', '/api/v1/tokens', { token: owner.token, body: { name: 'n', quotas: { requestsPerMinute: null } } }))
    ).json();
    expect(made.quotas).toEqual({ requestsPerMinute: null });
    expect(
      (await tokensPOST(request('POST', '/api/v1/tokens', { token: owner.token, body: { name: 'bad', quotas: { requestsPerMinute: 0 } } })))
        .status,
    ).toBe(400);
  });
});
