import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { principalOf } from '@/test/principals';
import { taskEvents, tasks } from '@/db/schema/work';
import { POST } from '@/app/api/v1/tasks/route';
import { POST as cancelPOST } from '@/app/api/v1/tasks/[id]/cancel/route';
import { cancelTask, createTask } from './service';
import { createTaskSchema } from './schemas';
import { promoteDue } from './scheduled';

let t: TestDb;
let token: string;
const admin = principalOf('super-admin');
beforeAll(async () => {
  t = await createTestDb();
  token = (await makeUser(t.db, 'super-admin')).token;
});
afterAll(() => t.drop());

const create = (body: Record<string, unknown>) =>
  POST(request('POST', '/api/v1/tasks', { token, body: { title: 'later', departmentId: 'legal', type: 'delayed', ...body } }));
const fieldsOf = async (res: Response) => ((await res.json()).errors as { path: string }[]).map((e) => e.path);
const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();
/** Moves a scheduled task's start into the past, as if its time had come. */
const makeDue = (id: string) => t.db.update(tasks).set({ availableAt: sql`now() - interval '1 second'` }).where(eq(tasks.id, id));

describe('POST /api/v1/tasks with a start time', () => {
  it.each([
    ['runAt and delayMs together', { runAt: inAnHour(), delayMs: 1000 }, 'delayMs'],
    ['runAt two minutes in the past', { runAt: new Date(Date.now() - 120_000).toISOString() }, 'runAt'],
    ['runAt more than a year ahead', { runAt: new Date(Date.now() + 366 * 24 * 3600_000).toISOString() }, 'runAt'],
    ['runAt that is not a time', { runAt: 'tomorrow' }, 'runAt'],
    ['a negative delayMs', { delayMs: -1 }, 'delayMs'],
  ])('answers 400 naming the field for %s', async (_name, extra, field) => {
    const res = await create(extra);
    expect(res.status).toBe(400);
    expect(await fieldsOf(res)).toContain(field);
  });

  it('accepts a runAt a few seconds in the past (a client clock a little behind) and starts it at the next pass', async () => {
    const res = await create({ runAt: new Date(Date.now() - 5000).toISOString() });
    expect(res.status).toBe(201);
    const body = await res.json();
    expect(body.status).toBe('scheduled');
    await promoteDue(t.db);
    const [row] = await t.db.select().from(tasks).where(eq(tasks.id, body.id));
    expect(row.status).toBe('pending');
  });

  it('keeps a runAt or delayMs task scheduled, with its start as availableAt, until it is due', async () => {
    const runAt = inAnHour();
    const a = await (await create({ runAt })).json();
    const b = await (await create({ delayMs: 3600_000 })).json();
    expect(a.status).toBe('scheduled');
    expect(a.availableAt).toBe(new Date(runAt).toISOString());
    expect(b.status).toBe('scheduled');
    expect(Date.parse(b.availableAt)).toBeGreaterThan(Date.now() + 3500_000);
    await promoteDue(t.db);
    const rows = await t.db
      .select()
      .from(tasks)
      .where(inArray(tasks.id, [a.id, b.id]));
    expect(rows.map((r) => r.status)).toEqual(['scheduled', 'scheduled']);
    await makeDue(a.id);
    await promoteDue(t.db);
    const after = await t.db
      .select()
      .from(tasks)
      .where(inArray(tasks.id, [a.id, b.id]));
    expect(Object.fromEntries(after.map((r) => [r.id, r.status]))).toEqual({ [a.id]: 'pending', [b.id]: 'scheduled' });
    const events = await t.db.select().from(taskEvents).where(eq(taskEvents.taskId, a.id));
    expect(events.map((e) => e.type)).toEqual(['created', 'due']);
  });

  it('answers the same scheduled task for a repeated Idempotency-Key', async () => {
    const key = `delayed-${Date.now()}`;
    const input = createTaskSchema.parse({ title: 'once', departmentId: 'legal', type: 'delayed', delayMs: 60_000 });
    const [x, y] = await Promise.all([
      createTask(t.db, admin, input, { idempotencyKey: key }),
      createTask(t.db, admin, input, { idempotencyKey: key }),
    ]);
    expect(x.id).toBe(y.id);
  });
});

describe('cancelling a scheduled task', () => {
  it('cancels it while it waits, and it never becomes pending afterwards', async () => {
    const { id } = await (await create({ runAt: inAnHour() })).json();
    const res = await cancelPOST(request('POST', `/api/v1/tasks/${id}/cancel`, { token }), params({ id }));
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('cancelled');
    await makeDue(id);
    await promoteDue(t.db);
    const [row] = await t.db.select().from(tasks).where(eq(tasks.id, id));
    expect(row.status).toBe('cancelled');
    await expect(cancelTask(t.db, admin, id)).rejects.toMatchObject({ status: 409 });
  });
});

describe('promoting due tasks from several processes at once', () => {
  it('makes each due task pending exactly once (one due event each)', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++)
      ids.push(
        (
          await createTask(
            t.db,
            admin,
            createTaskSchema.parse({ title: `due ${i}`, departmentId: 'legal', type: 'race', delayMs: 3600_000 }),
          )
        ).id,
      );
    await t.db.update(tasks).set({ availableAt: sql`now() - interval '1 second'` }).where(inArray(tasks.id, ids));
    const counts = await Promise.all([1, 2, 3, 4].map(() => promoteDue(t.db)));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(30);
    const due = await t.db
      .select()
      .from(taskEvents)
      .where(and(inArray(taskEvents.taskId, ids), eq(taskEvents.type, 'due')));
    expect(due).toHaveLength(30);
  });
});
