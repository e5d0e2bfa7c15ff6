import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, asc, eq, inArray } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { request } from '@/test/http';
import { makeUser } from '@/test/users';
import { auditLog } from '@/db/schema/auth';
import { taskEvents, tasks } from '@/db/schema/work';
import { onDomain } from '@/lib/live';
import { POST } from './route';

let t: TestDb;
let admin: string;
beforeAll(async () => {
  t = await createTestDb();
  admin = (await makeUser(t.db, 'super-admin')).token;
});
afterAll(() => t.drop());

/** A task type unique to one test, so counts see only its tasks. */
const kind = () => `batch-${randomBytes(4).toString('hex')}`;
const item = (type: string, extra: Record<string, unknown> = {}) => ({ title: `${type} task`, departmentId: 'legal', type, ...extra });
const post = (body: unknown, opts: { token?: string; key?: string } = {}) =>
  POST(
    request('POST', '/api/v1/tasks/batch', { token: opts.token ?? admin, body, headers: opts.key ? { 'idempotency-key': opts.key } : {} }),
  );
const tasksOf = (type: string) => t.db.select().from(tasks).where(eq(tasks.type, type)).orderBy(asc(tasks.createdAt));

describe('POST /api/v1/tasks/batch', () => {
  it('creates the valid items, answers each invalid one with its problem by index, and wakes dispatch once per department', async () => {
    const type = kind();
    const woken: string[] = [];
    const off = onDomain('task:ready', ({ departmentId }) => woken.push(departmentId));
    try {
      const res = await post({
        tasks: [
          item(type),
          { departmentId: 'legal', type },
          item(type, { requirements: { specialization: 'no-such-skill' } }),
          item(type, { departmentId: 'no-such-department' }),
          item(type, { payload: { note: 'a\u0000b' } }),
          item(type, { priority: 'high' }),
        ],
      });
      expect(res.status).toBe(201);
      const body = await res.json();
      expect(body.created).toBe(2);
      expect(body.failed).toBe(4);
      expect(body.results.map((r: { index: number }) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
      expect(body.results[0]).toEqual({ index: 0, id: expect.any(String), status: 'pending' });
      expect(body.results[1].error).toMatchObject({ status: 400, errors: [{ path: 'title' }] });
      expect(body.results[2].error).toMatchObject({ status: 422, detail: "Department legal has no specialization 'no-such-skill'" });
      expect(body.results[3].error).toMatchObject({ status: 404 });
      expect(body.results[4].error).toMatchObject({ status: 400, errors: [{ path: 'payload.note' }] });
      const rows = await tasksOf(type);
      expect(rows.map((r) => r.id)).toEqual([body.results[0].id, body.results[5].id]);
      expect(rows[1].priority).toBe('high');
      expect(woken.filter((d) => d === 'legal')).toHaveLength(1);
    } finally {
      off();
    }
  });

  it('writes one audit row for the batch naming every id, and a created event per task', async () => {
    const type = kind();
    const res = await post({ tasks: [item(type), item(type), item(type, { departmentId: 'sales' })] });
    const ids = (await res.json()).results.map((r: { id: string }) => r.id);
    const rows = await t.db.select().from(auditLog).where(eq(auditLog.action, 'task.create-batch'));
    const mine = rows.filter((r) => JSON.stringify(r.detail).includes(ids[0]));
    expect(mine).toHaveLength(1);
    expect(mine[0].detail).toMatchObject({ count: 3, ids, departments: ['legal', 'sales'] });
    expect(mine[0].departmentId).toBeNull();
    const events = await t.db.select().from(taskEvents).where(inArray(taskEvents.taskId, ids));
    expect(events.map((e) => e.type)).toEqual(['created', 'created', 'created']);
  });

  it('refuses a batch where every item is invalid with 400 and the per-item problems, creating nothing', async () => {
    const type = kind();
    const res = await post({ tasks: [{ type }, item(type, { priority: 'urgent' })] });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const body = await res.json();
    expect(body).toMatchObject({
      created: 0,
      failed: 2,
      results: [
        { index: 0, error: { status: 400 } },
        { index: 1, error: { status: 400 } },
      ],
    });
    expect(await tasksOf(type)).toHaveLength(0);
  });

  it('refuses 1,001 items with a problem saying to split the batch, creating nothing', async () => {
    const type = kind();
    const res = await post({ tasks: Array.from({ length: 1001 }, () => item(type)) });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body.errors).toEqual([{ path: 'tasks', message: 'At most 1000 tasks in one batch: split it' }]);
    expect(await tasksOf(type)).toHaveLength(0);
  });

  it('creates 1,000 items in order', async () => {
    const type = kind();
    const res = await post({ tasks: Array.from({ length: 1000 }, (_, i) => item(type, { title: `n${i}` })) });
    expect(res.status).toBe(201);
    expect((await res.json()).created).toBe(1000);
    const rows = await tasksOf(type);
    expect(rows.map((r) => r.title)).toEqual(Array.from({ length: 1000 }, (_, i) => `n${i}`));
  });

  it('answers a replayed Idempotency-Key with the same results, and a different body under it with 400', async () => {
    const type = kind();
    const key = `k-${type}`;
    const body = { tasks: [item(type), { type }, item(type)] };
    const first = await post(body, { key });
    const again = await post(body, { key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(await again.json()).toEqual(await first.json());
    expect(await tasksOf(type)).toHaveLength(2);
    const other = await post({ tasks: [item(type)] }, { key });
    expect(other.status).toBe(400);
    expect((await other.json()).detail).toBe('Idempotency-Key was already used with a different body');
    expect(await tasksOf(type)).toHaveLength(2);
  });

  it('creates a batch once when two requests carry one Idempotency-Key at the same time', async () => {
    const type = kind();
    const body = { tasks: [item(type), item(type), item(type)] };
    const answers = await Promise.all([post(body, { key: `race-${type}` }), post(body, { key: `race-${type}` })]);
    const [a, b] = await Promise.all(answers.map((r) => r.json()));
    expect(answers.map((r) => r.status)).toEqual([201, 201]);
    expect(b.results.map((r: { id: string }) => r.id)).toEqual(a.results.map((r: { id: string }) => r.id));
    expect(await tasksOf(type)).toHaveLength(3);
  });

  it("lets a department's coordinator create in its department only: another department's items fail alone, with 404", async () => {
    const type = kind();
    const coordinator = (await makeUser(t.db, 'department-coordinator', ['legal'])).token;
    const res = await post({ tasks: [item(type), item(type, { departmentId: 'engineering' })] }, { token: coordinator });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.results[1]).toEqual({ index: 1, error: { title: 'Not Found', status: 404, detail: 'Department not found' } });
    expect((await tasksOf(type)).map((r) => r.departmentId)).toEqual(['legal']);
    const away = await post({ tasks: [item(type, { departmentId: 'engineering' })] }, { token: coordinator });
    expect(away.status).toBe(404);
    const denied = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, 'access.denied'), eq(auditLog.outcome, 'denied')));
    expect(
      denied.some((d) => (d.detail as { door?: string }).door === 'rest' && (d.detail as { path?: string }).path === 'task:create'),
    ).toBe(true);
    const reader = (await makeUser(t.db, 'readonly')).token;
    expect((await post({ tasks: [item(type)] }, { token: reader })).status).toBe(403);
  });

  it('links "#n" in dependsOn to an earlier item of the batch, and fails an item naming a later one or a failed one', async () => {
    const type = kind();
    const res = await post({
      tasks: [
        item(type),
        item(type, { dependsOn: ['#0'] }),
        item(type, { dependsOn: ['#3'] }),
        { type },
        item(type, { dependsOn: ['#3'] }),
      ],
    });
    const body = await res.json();
    expect(body.results[1].status).toBe('pending');
    const [dependant] = await t.db.select().from(tasks).where(eq(tasks.id, body.results[1].id));
    expect(dependant.dependsOn).toEqual([body.results[0].id]);
    expect(body.results[2].error).toMatchObject({ status: 400, errors: [{ path: 'dependsOn.0' }] });
    expect(body.results[4].error).toMatchObject({ status: 422, detail: 'Depends on item 3 of this batch, which was not created' });
  });

  it('creates delayed items as scheduled', async () => {
    const type = kind();
    const body = await (await post({ tasks: [item(type, { delayMs: 60_000 })] })).json();
    expect(body.results[0].status).toBe('scheduled');
    const [row] = await tasksOf(type);
    expect(row.availableAt.getTime()).toBeGreaterThan(Date.now() + 30_000);
  });
});
