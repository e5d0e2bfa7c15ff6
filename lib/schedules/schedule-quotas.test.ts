import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { departments } from '@/db/schema/org';
import { scheduleFirings } from '@/db/schema/schedules';
import { tasks } from '@/db/schema/work';
import { POST } from '@/app/api/v1/schedules/route';
import { POST as triggerPOST } from '@/app/api/v1/schedules/[id]/trigger/route';
import { closeQuotaRedis } from '../quotas/redis';
import { fireSchedule } from './firing';

let t: TestDb;
let token: string;
beforeAll(async () => {
  t = await createTestDb();
  token = (await makeUser(t.db, 'super-admin')).token;
});
afterAll(async () => {
  await closeQuotaRedis();
  await t.drop();
});

async function scheduleIn(quotas: Partial<typeof departments.$inferInsert>) {
  const id = `sq-${Math.random().toString(36).slice(2, 10)}`;
  await t.db.insert(departments).values({ id, name: id, maxAgents: 5, ...quotas });
  const res = await POST(
    request('POST', '/api/v1/schedules', {
      token,
      body: { name: 'q', cron: '0 2 * * *', departmentId: id, task: { title: 'nightly', type: 'review' } },
    }),
  );
  expect(res.status).toBe(201);
  return { dept: id, schedule: (await res.json()) as { id: string } };
}
const trigger = (id: string) => triggerPOST(request('POST', `/api/v1/schedules/${id}/trigger`, { token }), params({ id }));
const firingOf = async (scheduleId: string, at: Date) =>
  (
    await t.db
      .select()
      .from(scheduleFirings)
      .where(and(eq(scheduleFirings.scheduleId, scheduleId), eq(scheduleFirings.fireTime, at)))
  )[0];

describe('schedules obey department quotas', () => {
  it('a timed firing past maxPendingTasks is skipped and recorded; a manual trigger answers 409 naming the quota', async () => {
    const { dept, schedule } = await scheduleIn({ quotaMaxPendingTasks: 1 });
    const first = new Date(Date.UTC(2027, 0, 1, 2));
    expect((await fireSchedule(t.db, schedule.id, first))?.outcome).toBe('created');
    const second = new Date(Date.UTC(2027, 0, 2, 2));
    expect(await fireSchedule(t.db, schedule.id, second)).toEqual({ outcome: 'skipped', reason: 'quota', quota: 'maxPendingTasks' });
    expect(await firingOf(schedule.id, second)).toMatchObject({ outcome: 'skipped', taskId: null });
    expect(await t.db.$count(tasks, eq(tasks.departmentId, dept))).toBe(1);
    const res = await trigger(schedule.id);
    expect(res.status).toBe(409);
    expect(await res.json()).toMatchObject({ quota: 'maxPendingTasks', limit: 1, used: 1 });
  });

  it('a timed firing past tasksPerMinute is skipped; a manual trigger answers 429 with Retry-After', async () => {
    const { dept, schedule } = await scheduleIn({ quotaTasksPerMinute: 1 });
    expect((await fireSchedule(t.db, schedule.id, new Date(Date.UTC(2027, 0, 1, 2))))?.outcome).toBe('created');
    expect(await fireSchedule(t.db, schedule.id, new Date(Date.UTC(2027, 0, 2, 2)))).toEqual({
      outcome: 'skipped',
      reason: 'quota',
      quota: 'tasksPerMinute',
    });
    const res = await trigger(schedule.id);
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
    expect((await res.json()).quota).toBe('tasksPerMinute');
    expect(await t.db.$count(tasks, eq(tasks.departmentId, dept))).toBe(1);
  });
});
