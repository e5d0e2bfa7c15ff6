import { desc, eq, sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { resourceChanges, resourcePools } from '@/db/schema/org';
import { tasks } from '@/db/schema/work';
import { decideRebalance, runRebalance } from './rebalance';
import { getPool, makeTask, setPool } from '../../test/resource-fixtures';

const pool = (departmentId: string, o: Partial<{ guaranteed: number; maximum: number; capacity: number; allocated: number }> = {}) => ({
  departmentId,
  type: 'analytics',
  guaranteed: 10,
  maximum: 40,
  capacity: 10,
  allocated: 0,
  ...o,
});

describe('decideRebalance (pure)', () => {
  it('moves idle borrowed units to the busy pool, never the reverse', () => {
    const idle = pool('idle', { capacity: 30, allocated: 2 });
    const busy = pool('busy', { capacity: 30, allocated: 30 });
    const { resizes } = decideRebalance([idle, busy], [{ departmentId: 'busy', amount: 8, bestRank: 2, tasks: 2 }], 0, 'priority-based');
    // 8 go to the busy pool, the other 12 idle borrowed units back to the reserve: down to the guarantee.
    expect(resizes.find((r) => r.departmentId === 'idle')).toMatchObject({ before: 30, after: 10 });
    expect(resizes.find((r) => r.departmentId === 'idle')?.reason).toMatch(/\(8 to busy, 12 to the reserve\)/);
    expect(resizes.find((r) => r.departmentId === 'busy')).toMatchObject({ before: 30, after: 38 });
    // A pool whose queue exceeds its free units is never a donor, even with borrowed units and no use yet.
    const both = decideRebalance(
      [pool('a', { capacity: 40, allocated: 0 }), pool('b', { capacity: 10, allocated: 10 })],
      [
        { departmentId: 'a', amount: 50, bestRank: 3, tasks: 5 },
        { departmentId: 'b', amount: 5, bestRank: 0, tasks: 1 },
      ],
      0,
      'priority-based',
    );
    expect(both.resizes).toEqual([]);
  });

  it('draws from the reserve before taking from idle pools, and caps growth at the maximum', () => {
    const { moves } = decideRebalance(
      [pool('idle', { capacity: 30 }), pool('busy', { capacity: 35, allocated: 35 })],
      [{ departmentId: 'busy', amount: 20, bestRank: 0, tasks: 4 }],
      3,
      'priority-based',
    );
    expect(moves.filter((m) => m.to === 'busy')).toEqual([
      { type: 'analytics', from: null, to: 'busy', amount: 3 },
      { type: 'analytics', from: 'idle', to: 'busy', amount: 2 },
    ]);
  });

  it('priority-based serves the most urgent queue first; fair-share splits evenly', () => {
    const pools = [pool('idle', { capacity: 20 }), pool('crit', { allocated: 10 }), pool('low', { allocated: 10 })];
    const demand = [
      { departmentId: 'crit', amount: 10, bestRank: 0, tasks: 1 },
      { departmentId: 'low', amount: 10, bestRank: 3, tasks: 1 },
    ];
    const grow = (s: 'priority-based' | 'fair-share') =>
      Object.fromEntries(
        decideRebalance(pools, demand, 0, s)
          .resizes.filter((r) => r.after > r.before)
          .map((r) => [r.departmentId, r.after - r.before]),
      );
    expect(grow('priority-based')).toEqual({ crit: 10 });
    expect(grow('fair-share')).toEqual({ crit: 5, low: 5 });
  });
});

describe('rebalancing on the database', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it('moves idle capacity to the department with queued demand, then gives it back when the queue drains', async () => {
    // analytics kind: total 100. Research borrows 20 and uses none; Analytics is full with 15 units queued.
    await setPool(t.db, 'analytics', 'analytics', { guaranteed: 10, maximum: 40, capacity: 10, allocated: 10 });
    await setPool(t.db, 'research', 'analytics', { guaranteed: 5, maximum: 40, capacity: 25, allocated: 0 });
    const [{ others }] = (await t.db
      .select({ others: sql<number>`coalesce(sum(capacity), 0)::int` })
      .from(resourcePools)
      .where(sql`type = 'analytics' and department_id not in ('analytics', 'research')`)) as { others: number }[];
    // Leave no free reserve, so what Analytics gets must come from Research.
    await setPool(t.db, 'research', 'analytics', { capacity: 100 - 10 - others });
    const researchBefore = (await getPool(t.db, 'research', 'analytics')).capacity;
    for (const n of [5, 10]) await makeTask(t.db, 'analytics', { priority: 'high', resources: { analytics: n } });

    await runRebalance(t.db, 'priority-based');
    expect((await getPool(t.db, 'analytics', 'analytics')).capacity).toBe(25);
    // Research gave 15 to Analytics and its other idle borrowed units to the reserve: back to its guarantee.
    expect((await getPool(t.db, 'research', 'analytics')).capacity).toBe(5);
    expect(researchBefore).toBeGreaterThan(20);

    // The queue drains and the pool empties: its borrowed units go back to the reserve.
    await t.db.update(tasks).set({ status: 'completed' }).where(eq(tasks.departmentId, 'analytics'));
    await setPool(t.db, 'analytics', 'analytics', { allocated: 0 });
    await runRebalance(t.db, 'priority-based');
    expect((await getPool(t.db, 'analytics', 'analytics')).capacity).toBe(10);

    const changes = await t.db
      .select()
      .from(resourceChanges)
      .where(eq(resourceChanges.type, 'analytics'))
      .orderBy(desc(resourceChanges.id));
    const analytics = changes.filter((c) => c.departmentId === 'analytics');
    expect(analytics.map((c) => [c.capacityBefore, c.capacityAfter])).toEqual([
      [25, 10],
      [10, 25],
    ]);
    expect(analytics[1].reason).toBe('rebalance (priority-based): +15 for 2 queued tasks waiting for 15 (15 from research)');
    expect(analytics[0].reason).toMatch(/^rebalance \(priority-based\): 15 idle borrowed units given up at 0% use \(15 to the reserve\)/);
    const research = changes.filter((c) => c.departmentId === 'research');
    expect(research[0].reason).toMatch(/given up .*\(15 to analytics, \d+ to the reserve\)/);
    // Direction: the department with the queue never lost capacity in these passes.
    expect(analytics.every((c, i) => i === 0 || c.capacityAfter > c.capacityBefore)).toBe(true);
  });
});
