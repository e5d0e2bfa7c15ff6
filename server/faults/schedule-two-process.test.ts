import { afterAll, describe, expect, it } from 'vitest';
import { and, eq, gte, lt, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { scheduleFirings, schedules } from '@/db/schema/schedules';
import { tasks } from '@/db/schema/work';
import { sleep, waitFor } from '../../sim/fleet';
import { patientApi } from './patient-api';
import { spawnServer, type ServerProc } from './spawn-server';

/**
 * Two server processes on one Postgres, both running the schedule loop, and a schedule firing every
 * second: the claim on (schedule, fire time) must make each firing one task, never two, never none.
 */
let t: TestDb | undefined;
const servers: ServerProc[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await t?.drop();
});

describe.skipIf(!process.env.DATABASE_URL)('a schedule fired by two processes', () => {
  it('creates exactly 10 tasks for a schedule firing every second over 10 seconds', { timeout: 120_000 }, async () => {
    t = await createTestDb({ adminPassword: 'schedule-admin-pw-1' });
    servers.push(await spawnServer({ DATABASE_URL: t.url! }), await spawnServer({ DATABASE_URL: t.url! }));
    const urls = servers.map((s) => s.url);
    const login = await patientApi(urls, () => '').call('POST', '/api/v1/auth/token', {
      username: 'admin',
      password: 'schedule-admin-pw-1',
    });
    const api = patientApi(urls, () => login.body.accessToken);
    const created = await api.call('POST', '/api/v1/schedules', {
      name: 'every second',
      departmentId: 'legal',
      cron: '* * * * * *',
      task: { title: 'tick', type: 'tick' },
    });
    expect(created.status).toBe(201);
    const id: string = created.body.id;

    // A window of whole seconds that starts after the schedule exists: its fire times are exactly t0 … t0+9 s.
    const t0 = new Date(Math.ceil(Date.now() / 1000) * 1000 + 2000);
    const t1 = new Date(t0.getTime() + 10_000);
    const inWindow = and(eq(scheduleFirings.scheduleId, id), gte(scheduleFirings.fireTime, t0), lt(scheduleFirings.fireTime, t1));
    // Done once a firing at or after the window's end exists: every earlier one was claimed before it.
    await waitFor(
      async () =>
        (
          await t!.db
            .select()
            .from(scheduleFirings)
            .where(and(eq(scheduleFirings.scheduleId, id), gte(scheduleFirings.fireTime, t1)))
            .limit(1)
        ).length > 0,
      60_000,
      200,
    );
    await api.call('PATCH', `/api/v1/schedules/${id}`, { enabled: false });
    await sleep(200);

    const firings = await t.db.select().from(scheduleFirings).where(inWindow);
    expect(firings.map((f) => f.fireTime.getTime() - t0.getTime()).sort((a, b) => a - b)).toEqual(
      [0, 1, 2, 3, 4, 5, 6, 7, 8, 9].map((s) => s * 1000),
    );
    expect(firings.every((f) => f.outcome === 'created' && f.taskId)).toBe(true);
    const [{ n }] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(tasks)
      .innerJoin(scheduleFirings, eq(scheduleFirings.taskId, tasks.id))
      .where(and(eq(tasks.scheduleId, id), inWindow));
    expect(n).toBe(10);
    // And no task at all without its own claimed firing.
    const [all] = await t.db.select({ n: sql<number>`count(*)::int` }).from(tasks).where(eq(tasks.scheduleId, id));
    const [claims] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(scheduleFirings)
      .where(and(eq(scheduleFirings.scheduleId, id), eq(scheduleFirings.outcome, 'created')));
    expect(all.n).toBe(claims.n);
    const [row] = await t.db.select().from(schedules).where(eq(schedules.id, id));
    expect(row.lastFiredAt!.getTime()).toBeGreaterThanOrEqual(t1.getTime());
  });
});
