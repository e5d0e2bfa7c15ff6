import { desc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { resourceChanges, resourcePools } from '@/db/schema/org';
import { onDbWrite } from '@/db/activity';
import { allocate, releaseAllocation } from '../allocations/allocations';
import { decideScaling, defaultScaling, runAutoscale } from './autoscale';
import { getPool, makeAgent, setPool } from '../../test/resource-fixtures';

const pool = (o: Partial<Parameters<typeof decideScaling>[0][number]>) => ({
  departmentId: 'd',
  type: 'compute',
  guaranteed: 100,
  maximum: 200,
  capacity: 100,
  allocated: 0,
  overThresholdSince: null as Date | null,
  ...o,
});
const t0 = new Date('2026-01-01T00:00:00Z');
const later = (ms: number) => new Date(t0.getTime() + ms);

describe('decideScaling (pure)', () => {
  it('marks a hot pool first and grows it only after the sustain period', () => {
    expect(decideScaling([pool({ allocated: 90 })], 500, t0)).toEqual([{ kind: 'mark', departmentId: 'd', type: 'compute', since: t0 }]);
    const early = decideScaling([pool({ allocated: 90, overThresholdSince: t0 })], 500, later(30_000));
    expect(early.filter((a) => a.kind === 'resize')).toEqual([]);
    const grown = decideScaling([pool({ allocated: 90, overThresholdSince: t0 })], 500, later(60_000));
    expect(grown).toContainEqual(expect.objectContaining({ kind: 'resize', before: 100, after: 150 }));
  });

  it('never grows past the maximum or the reserve, hottest pool first', () => {
    const hot = [
      pool({ departmentId: 'a', allocated: 85, overThresholdSince: t0 }),
      pool({ departmentId: 'b', allocated: 99, overThresholdSince: t0, maximum: 110 }),
    ];
    const acts = decideScaling(hot, 20, later(60_000)).filter((a) => a.kind === 'resize');
    expect(acts).toEqual([
      expect.objectContaining({ departmentId: 'b', after: 110 }),
      expect.objectContaining({ departmentId: 'a', after: 110 }),
    ]);
    expect(decideScaling([pool({ allocated: 90, overThresholdSince: t0 })], 0, later(60_000)).filter((a) => a.kind === 'resize')).toEqual(
      [],
    );
  });

  it('gives idle borrowed units back, keeping the guarantee, allocations and queued demand', () => {
    const acts = decideScaling([pool({ capacity: 180, allocated: 30 })], 0, t0, defaultScaling, { d: 40 });
    expect(acts).toEqual([expect.objectContaining({ kind: 'resize', before: 180, after: 100 })]);
    const keep = decideScaling([pool({ capacity: 180, allocated: 80 })], 0, t0, defaultScaling, { d: 20 });
    expect(keep).toEqual([expect.objectContaining({ after: 134 })]);
  });
});

describe('auto-scaling on the database', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(() => t.drop());

  it('a pool held above 80% borrows from the reserve, then gives it back when use falls, with reasons recorded', async () => {
    const cfg = { ...defaultScaling, sustainMs: 1000 };
    await setPool(t.db, 'research', 'compute', { guaranteed: 100, maximum: 200, capacity: 100, allocated: 0 });
    const agent = await makeAgent(t.db, 'research');
    const held = await allocate(t.db, principalOf('super-admin'), { agentId: agent.id, resources: { compute: 85 }, priority: 'medium' });

    await runAutoscale(t.db, t0, cfg);
    expect((await getPool(t.db, 'research', 'compute')).capacity).toBe(100);
    await runAutoscale(t.db, later(1500), cfg);
    expect((await getPool(t.db, 'research', 'compute')).capacity).toBe(142);

    await releaseAllocation(t.db, principalOf('super-admin'), held.id);
    await runAutoscale(t.db, later(3000), cfg);
    expect((await getPool(t.db, 'research', 'compute')).capacity).toBe(100);

    const changes = await t.db
      .select()
      .from(resourceChanges)
      .where(eq(resourceChanges.departmentId, 'research'))
      .orderBy(desc(resourceChanges.id))
      .limit(2);
    expect(changes.map((c) => [c.capacityBefore, c.capacityAfter])).toEqual([
      [142, 100],
      [100, 142],
    ]);
    expect(changes[1].reason).toMatch(/^auto-scale up: utilisation 85% at or above 80% for 2 s/);
    expect(changes[0].reason).toMatch(/^auto-scale down: utilisation 0% below 50%, 42 returned to the reserve/);
  });

  it('a pass with nothing to change leaves every pool as it was, without a transaction on the embedded database', async () => {
    await runAutoscale(t.db, later(10_000));
    const before = await t.db.select().from(resourcePools).orderBy(resourcePools.departmentId, resourcePools.type);
    let writes = 0;
    const stop = onDbWrite(() => writes++);
    const acts = await runAutoscale(t.db, later(11_000)).finally(stop);
    expect(acts).toEqual([]);
    expect(await t.db.select().from(resourcePools).orderBy(resourcePools.departmentId, resourcePools.type)).toEqual(before);
    // Only the embedded database reports statements (db/pglite.ts).
    expect(writes).toBe(0);
  });
});
