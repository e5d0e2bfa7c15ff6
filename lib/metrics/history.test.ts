import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { metricSamples } from '@/db/schema/work';
import { count, resetBusStats } from '@/lib/metrics/bus-stats';
import { recordAssignment, recordTaskCreated, recordTaskFinished } from './record';
import { resetMetrics } from './registry';
import { levelsRolledUp, MINUTE, pruneHistory, rollUpMinute } from './rollup';
import { getHistory, historyQuerySchema } from './history';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const admin = principalOf('super-admin');
const q = (range: string, name: string, departmentId?: string) => historyQuerySchema.parse({ range, name, departmentId });

describe('per-minute roll-up and history', () => {
  it('stores a minute of counts, percentiles and levels, and serves them after a restart', async () => {
    resetMetrics();
    const now = Date.now();
    const m0 = Math.floor(now / MINUTE) * MINUTE - 5 * MINUTE;
    for (let i = 0; i < 30; i++) recordTaskCreated('engineering', m0 + 1_000 + i);
    for (let i = 0; i < 10; i++) recordTaskCreated('sales', m0 + 2_000 + i);
    for (let i = 1; i <= 100; i++) recordAssignment('engineering', i, i, m0 + 3_000 + i);
    for (let i = 0; i < 20; i++) recordTaskFinished('engineering', i < 5 ? 'failed' : 'completed', 100, { at: m0 + 10_000 + i });
    resetBusStats();
    count.message('direct', 'socket');
    // Outside the minute: must not be counted in it.
    recordTaskCreated('engineering', m0 + MINUTE);
    recordTaskCreated('engineering', m0 - 1);
    await rollUpMinute(t.db, m0);

    // A restart: the process forgets everything it held in memory.
    resetMetrics();
    const h = await getHistory(
      t.db,
      admin,
      q('24h', 'tasks_created,tasks_completed,tasks_failed,assign_latency_p95,bus_messages,resource_capacity'),
      now,
    );
    expect(h.bucketSeconds).toBe(900);
    expect(h.series.tasks_created).toEqual([{ t: expect.any(Number), v: 40 }]);
    expect(h.series.tasks_completed[0].v).toBe(15);
    expect(h.series.tasks_failed[0].v).toBe(5);
    expect(h.series.assign_latency_p95[0].v).toBe(95);
    expect(h.series.bus_messages[0].v).toBe(1);
    expect(h.series.resource_capacity[0].v).toBeGreaterThan(0);

    // Minute-resolution ranges end with the minute in progress, from memory.
    recordTaskCreated('engineering', now);
    recordTaskCreated('engineering', now);
    const eng = await getHistory(t.db, admin, q('1h', 'tasks_created,assign_latency_p99', 'engineering'), now);
    const current = Math.floor(now / MINUTE) * MINUTE;
    expect(eng.series.tasks_created).toEqual([
      { t: m0, v: 30 },
      { t: current, v: 2 },
    ]);
    expect(eng.series.assign_latency_p99).toEqual([{ t: m0, v: 99 }]);
    expect(eng.openFrom).toBe(current);
  });

  it("splits a minute into this process's counts and the cluster's levels, each written by its own pass", async () => {
    resetMetrics();
    const m = Date.UTC(2020, 0, 3, 10, 0, 0);
    recordTaskCreated('engineering', m + 1_000);
    await rollUpMinute(t.db, m, 'counts');
    expect(await levelsRolledUp(t.db, m)).toBe(false);
    await rollUpMinute(t.db, m, 'levels');
    expect(await levelsRolledUp(t.db, m)).toBe(true);
    const names = (
      await t.db
        .select()
        .from(metricSamples)
        .where(eq(metricSamples.at, new Date(m)))
    )
      .filter((r) => r.departmentId === null)
      .map((r) => r.name);
    // Each series once: the two passes never both wrote one.
    expect(names.length).toBe(new Set(names).size);
    expect(names).toEqual(expect.arrayContaining(['tasks_created', 'bus_messages', 'queue_depth', 'agents_idle', 'resource_capacity']));
    await t.db.delete(metricSamples).where(eq(metricSamples.at, new Date(m)));
  });

  it('turns counts into per-minute rates over wide buckets and averages levels', async () => {
    const base = Date.UTC(2026, 0, 5, 0, 0, 0);
    const now = base + 3 * 3600_000;
    const rows = [0, 1, 2, 3].map((i) => ({
      at: new Date(base + i * MINUTE),
      name: 'tasks_completed',
      departmentId: 'hr',
      value: 10 * (i + 1),
    }));
    rows.push(...[0, 1].map((i) => ({ at: new Date(base + i * MINUTE), name: 'queue_depth', departmentId: 'hr', value: 4 + 2 * i })));
    await t.db.insert(metricSamples).values(rows);
    const h = await getHistory(t.db, admin, q('7d', 'tasks_completed,queue_depth', 'hr'), now);
    expect(h.series.tasks_completed).toEqual([{ t: base, v: 25 }]);
    expect(h.series.queue_depth).toEqual([{ t: base, v: 5 }]);
    expect(h.openFrom).toBeNull();
  });

  it('answers one series per department with by=department, within the caller scope', async () => {
    const base = Date.UTC(2026, 0, 6, 0, 0, 0);
    await t.db.insert(metricSamples).values([
      { at: new Date(base), name: 'resource_use', departmentId: 'it', value: 0.5 },
      { at: new Date(base), name: 'resource_use', departmentId: 'legal', value: 0.25 },
      { at: new Date(base), name: 'resource_use', departmentId: null, value: 0.4 },
    ]);
    const all = await getHistory(
      t.db,
      admin,
      historyQuerySchema.parse({ range: '24h', name: 'resource_use', by: 'department' }),
      base + 60_000,
    );
    expect(all.series).toEqual({ 'resource_use:it': [{ t: base, v: 0.5 }], 'resource_use:legal': [{ t: base, v: 0.25 }] });
    const coord = principalOf('department-coordinator', ['legal']);
    const own = await getHistory(
      t.db,
      coord,
      historyQuerySchema.parse({ range: '24h', name: 'resource_use', by: 'department' }),
      base + 60_000,
    );
    expect(Object.keys(own.series)).toEqual(['resource_use:legal']);
  });

  it('confines department users to their departments and rejects bad input', async () => {
    const coord = principalOf('department-coordinator', ['hr']);
    await expect(getHistory(t.db, coord, q('1h', 'tasks_created', 'engineering'))).rejects.toMatchObject({ status: 404 });
    const own = await getHistory(t.db, coord, q('7d', 'tasks_completed'), Date.UTC(2026, 0, 5, 3));
    expect(own.series.tasks_completed).toEqual([{ t: Date.UTC(2026, 0, 5), v: 25 }]);
    expect(historyQuerySchema.safeParse({ range: '2d', name: 'tasks_created' }).success).toBe(false);
    expect(historyQuerySchema.safeParse({ range: '1h', name: 'drop_table' }).success).toBe(false);
    expect(historyQuerySchema.safeParse({ range: '1h', name: '' }).success).toBe(false);
  });

  it('prunes samples older than the retention', async () => {
    const now = Date.now();
    await t.db.insert(metricSamples).values({ at: new Date(now - 40 * 86_400_000), name: 'tasks_created', departmentId: null, value: 1 });
    expect(await pruneHistory(t.db, 30, now)).toBeGreaterThanOrEqual(1);
    const left = await t.db.select().from(metricSamples);
    expect(left.every((r) => r.at.getTime() >= now - 30 * 86_400_000)).toBe(true);
    expect(left.length).toBeGreaterThan(0);
  });
});
