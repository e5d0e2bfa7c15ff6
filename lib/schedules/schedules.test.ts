import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { principalOf } from '@/test/principals';
import { auditLog } from '@/db/schema/auth';
import { scheduleFirings, schedules } from '@/db/schema/schedules';
import { tasks } from '@/db/schema/work';
import { GET as listGET, POST } from '@/app/api/v1/schedules/route';
import { DELETE, GET, PATCH } from '@/app/api/v1/schedules/[id]/route';
import { POST as triggerPOST } from '@/app/api/v1/schedules/[id]/trigger/route';
import { GET as tasksGET } from '@/app/api/v1/tasks/route';
import { cancelTask } from '../tasks/service';
import { fireDueSchedules, fireSchedule, firingsDue } from './firing';

let t: TestDb;
let token: string;
const admin = principalOf('super-admin');
beforeAll(async () => {
  t = await createTestDb();
  token = (await makeUser(t.db, 'super-admin')).token;
});
afterAll(() => t.drop());

const base = { departmentId: 'legal', task: { title: 'nightly review', type: 'review' } };
const create = (body: Record<string, unknown>) =>
  POST(request('POST', '/api/v1/schedules', { token, body: { name: 'nightly', cron: '0 2 * * *', ...base, ...body } }));
const made = async (body: Record<string, unknown> = {}) => {
  const res = await create(body);
  expect(res.status).toBe(201);
  return res.json();
};
const call = (handler: typeof GET, method: string, id: string, body?: unknown) =>
  handler(request(method, `/api/v1/schedules/${id}`, { token, body }), params({ id }));
const tasksOf = (scheduleId: string) => t.db.select().from(tasks).where(eq(tasks.scheduleId, scheduleId));

describe('POST /api/v1/schedules refuses what can never fire', () => {
  it.each([
    ['a cron of four fields', { cron: '* * * *' }, 'cron'],
    ['a cron of seven fields', { cron: '* * * * * * *' }, 'cron'],
    ['a minute of 61', { cron: '61 * * * *' }, 'cron'],
    ['a nickname outside the contract', { cron: '@hourly' }, 'cron'],
    ['a date that never comes', { cron: '0 0 30 2 *' }, 'cron'],
    ['an unknown time zone', { timezone: 'Mars/Olympus_Mons' }, 'timezone'],
    ['an unknown overlap policy', { overlap: 'queue' }, 'overlap'],
    ['a template without a title', { task: { type: 'review' } }, 'task.title'],
  ])('answers 400 naming the field for %s', async (_n, extra, field) => {
    const res = await create(extra);
    expect(res.status).toBe(400);
    expect(((await res.json()).errors as { path: string }[]).map((e) => e.path)).toContain(field);
  });

  it('answers 422 for a template asking for a specialization the department lacks', async () => {
    const res = await create({ task: { title: 'x', type: 'y', requirements: { specialization: 'rocketry' } } });
    expect(res.status).toBe(422);
  });
});

describe('a schedule answers its next 5 fire times', () => {
  it('in its time zone, strictly ahead, for 5 fields', async () => {
    const s = await made({ cron: '30 9 * * 1-5', timezone: 'America/New_York' });
    expect(s.nextFireTimes).toHaveLength(5);
    const times = s.nextFireTimes.map((x: string) => new Date(x));
    expect(times[0].getTime()).toBeGreaterThan(Date.now());
    for (const d of times) {
      const local = new Intl.DateTimeFormat('en-US', {
        timeZone: 'America/New_York',
        hour: '2-digit',
        minute: '2-digit',
        weekday: 'short',
        hour12: false,
      }).format(d);
      expect(local).toMatch(/^(Mon|Tue|Wed|Thu|Fri) 09:30$/);
    }
    expect(s.nextFireAt).toBe(s.nextFireTimes[0]);
  });

  it('with seconds for 6 fields', async () => {
    const s = await made({ cron: '*/10 * * * * *' });
    const gaps = s.nextFireTimes.slice(1).map((x: string, i: number) => Date.parse(x) - Date.parse(s.nextFireTimes[i]));
    expect(gaps).toEqual([10_000, 10_000, 10_000, 10_000]);
  });
});

describe('POST /api/v1/schedules/{id}/trigger', () => {
  it('creates one task carrying scheduleId, listed by GET /api/v1/tasks?scheduleId= and in the history, and audited', async () => {
    const s = await made();
    const res = await triggerPOST(request('POST', `/api/v1/schedules/${s.id}/trigger`, { token }), params({ id: s.id }));
    expect(res.status).toBe(201);
    const { task } = await res.json();
    expect(task).toMatchObject({ scheduleId: s.id, title: 'nightly review', departmentId: 'legal', status: 'pending' });
    const listed = await (await tasksGET(request('GET', `/api/v1/tasks?scheduleId=${s.id}`, { token }))).json();
    expect(listed.items.map((x: { id: string }) => x.id)).toEqual([task.id]);
    const one = await (await call(GET, 'GET', s.id)).json();
    expect(one.history).toEqual([
      expect.objectContaining({ manual: true, outcome: 'created', task: { id: task.id, title: 'nightly review', status: 'pending' } }),
    ]);
    const audited = await t.db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.targetId, s.id), eq(auditLog.action, 'schedule.trigger')));
    expect(audited).toHaveLength(1);
  });

  it('fires a paused schedule too', async () => {
    const s = await made({ enabled: false });
    expect(s.nextFireAt).toBeNull();
    expect(s.nextFireTimes).toEqual([]);
    const res = await triggerPOST(request('POST', `/api/v1/schedules/${s.id}/trigger`, { token }), params({ id: s.id }));
    expect(res.status).toBe(201);
  });
});

describe('the claim on (schedule, fire time)', () => {
  it('creates one task however many processes fire the same firing at once', async () => {
    const s = await made();
    const at = new Date('2026-01-01T02:00:00Z');
    const outcomes = await Promise.all(Array.from({ length: 8 }, () => fireSchedule(t.db, s.id, at)));
    expect(outcomes.filter((o) => o?.outcome === 'created')).toHaveLength(1);
    expect(await tasksOf(s.id)).toHaveLength(1);
    expect(await t.db.select().from(scheduleFirings).where(eq(scheduleFirings.scheduleId, s.id))).toHaveLength(1);
  });
});

describe("overlap 'skip'", () => {
  it("doesn't fire while the previous firing's task is unfinished, even for firings racing each other", async () => {
    const s = await made({ overlap: 'skip' });
    // Legal has no agent online in tests: a created task stays pending, unfinished.
    const times = [0, 1, 2, 3, 4].map((m) => new Date(Date.UTC(2026, 0, 2, 2, m)));
    const outcomes = await Promise.all(times.map((at) => fireSchedule(t.db, s.id, at)));
    expect(outcomes.filter((o) => o?.outcome === 'created')).toHaveLength(1);
    expect(outcomes.filter((o) => o?.outcome === 'skipped')).toHaveLength(4);
    const res = await triggerPOST(request('POST', `/api/v1/schedules/${s.id}/trigger`, { token }), params({ id: s.id }));
    expect(res.status).toBe(409);
    const [first] = await tasksOf(s.id);
    await cancelTask(t.db, admin, first.id);
    expect((await fireSchedule(t.db, s.id, new Date(Date.UTC(2026, 0, 2, 2, 5))))?.outcome).toBe('created');
    expect(await tasksOf(s.id)).toHaveLength(2);
  });

  it("'allow' fires regardless", async () => {
    const s = await made({ overlap: 'allow' });
    await Promise.all([0, 1, 2].map((m) => fireSchedule(t.db, s.id, new Date(Date.UTC(2026, 0, 3, 2, m)))));
    expect(await tasksOf(s.id)).toHaveLength(3);
  });
});

describe('missed firings (downtime)', () => {
  const hourly = { cron: '0 * * * *', timezone: 'UTC' };
  const now = new Date('2026-03-01T10:30:00Z');
  const from = new Date('2026-03-01T07:00:00Z');
  it.each([
    ['latest', ['2026-03-01T10:00:00.000Z']],
    ['none', []],
    ['all', ['2026-03-01T07:00:00.000Z', '2026-03-01T08:00:00.000Z', '2026-03-01T09:00:00.000Z', '2026-03-01T10:00:00.000Z']],
  ] as const)("catchUp '%s' runs %j", (catchUp, expected) => {
    expect(firingsDue({ ...hourly, catchUp, nextFireAt: from }, now).fire.map((d) => d.toISOString())).toEqual(expected);
  });

  it('runs firings up to a minute late as on time, each of them, whatever the policy', () => {
    const at = new Date('2026-03-01T10:00:45Z');
    const due = firingsDue({ cron: '*/15 * * * * *', timezone: 'UTC', catchUp: 'none', nextFireAt: new Date('2026-03-01T10:00:00Z') }, at);
    expect(due.fire.map((d) => d.toISOString().slice(11, 19))).toEqual(['10:00:00', '10:00:15', '10:00:30', '10:00:45']);
  });

  it("'latest' after downtime: one task for the latest missed firing, then the schedule moves on", async () => {
    const s = await made({ ...hourly, catchUp: 'latest' });
    await t.db.update(schedules).set({ nextFireAt: from }).where(eq(schedules.id, s.id));
    await fireDueSchedules(t.db, now);
    await fireDueSchedules(t.db, now);
    const fired = await t.db.select().from(scheduleFirings).where(eq(scheduleFirings.scheduleId, s.id));
    expect(fired.map((f) => f.fireTime.toISOString())).toEqual(['2026-03-01T10:00:00.000Z']);
    expect(await tasksOf(s.id)).toHaveLength(1);
    const [row] = await t.db.select().from(schedules).where(eq(schedules.id, s.id));
    expect(row.nextFireAt?.toISOString()).toBe('2026-03-01T11:00:00.000Z');
    await t.db.delete(schedules).where(eq(schedules.id, s.id));
  });

  it("'all' after downtime: one task per missed firing", async () => {
    const s = await made({ ...hourly, catchUp: 'all' });
    await t.db.update(schedules).set({ nextFireAt: from }).where(eq(schedules.id, s.id));
    await Promise.all([fireDueSchedules(t.db, now), fireDueSchedules(t.db, now)]);
    expect(await tasksOf(s.id)).toHaveLength(4);
    await t.db.delete(schedules).where(eq(schedules.id, s.id));
  });
});

describe('PATCH and DELETE /api/v1/schedules/{id}', () => {
  it('pauses (no next firing, the loop leaves it alone) and resumes from now', async () => {
    const s = await made({ cron: '* * * * * *' });
    const paused = await (await call(PATCH, 'PATCH', s.id, { enabled: false })).json();
    expect(paused).toMatchObject({ enabled: false, nextFireAt: null, nextFireTimes: [] });
    await fireDueSchedules(t.db, new Date(Date.now() + 60_000));
    expect(await tasksOf(s.id)).toHaveLength(0);
    const resumed = await (await call(PATCH, 'PATCH', s.id, { enabled: true })).json();
    expect(Date.parse(resumed.nextFireAt)).toBeGreaterThan(Date.now() - 1000);
    expect(resumed.nextFireTimes).toHaveLength(5);
  });

  it('refuses a bad cron in an edit, naming it', async () => {
    const s = await made();
    const res = await call(PATCH, 'PATCH', s.id, { cron: 'every day' });
    expect(res.status).toBe(400);
    expect(JSON.stringify(await res.json())).toContain('"cron"');
  });

  it('deletes the schedule, keeps its tasks, and audits create, update and delete', async () => {
    const s = await made();
    await call(PATCH, 'PATCH', s.id, { name: 'renamed' });
    const { task } = await (
      await triggerPOST(request('POST', `/api/v1/schedules/${s.id}/trigger`, { token }), params({ id: s.id }))
    ).json();
    expect((await call(DELETE, 'DELETE', s.id)).status).toBe(204);
    expect((await call(GET, 'GET', s.id)).status).toBe(404);
    const [kept] = await t.db.select().from(tasks).where(eq(tasks.id, task.id));
    expect(kept.scheduleId).toBeNull();
    const actions = (await t.db.select().from(auditLog).where(eq(auditLog.targetId, s.id))).map((a) => a.action).sort();
    expect(actions).toEqual(['schedule.create', 'schedule.delete', 'schedule.trigger', 'schedule.update']);
  });
});

describe('GET /api/v1/schedules', () => {
  it("pages with a cursor and shows a coordinator only its own departments' schedules", async () => {
    await made({ departmentId: 'marketing', task: { title: 'm', type: 'campaign' } });
    await made({ departmentId: 'marketing', task: { title: 'm', type: 'campaign' } });
    const coordinator = await makeUser(t.db, 'department-coordinator', ['marketing']);
    const list = (q: string) => listGET(request('GET', `/api/v1/schedules?${q}`, { token: coordinator.token })).then((r) => r.json());
    const first = await list('limit=1');
    expect(first.items).toHaveLength(1);
    const second = await list(`limit=1&cursor=${first.nextCursor}`);
    expect(second.items).toHaveLength(1);
    expect(second.items[0].id).not.toBe(first.items[0].id);
    const all = await list('limit=100');
    expect(all.items.every((x: { departmentId: string }) => x.departmentId === 'marketing')).toBe(true);
  });
});
