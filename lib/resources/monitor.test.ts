import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { alerts, metricSamples } from '@/db/schema/work';
import { onLive, type LiveEvent } from '../live';
import { raiseShortage } from './alerts';
import { checkCapacityAlerts, sampleUtilisation } from './monitor';
import { setPool } from '../../test/resource-fixtures';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const open = (kind: string) =>
  t.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.kind, kind), eq(alerts.departmentId, 'it'), eq(alerts.status, 'open')));

describe('utilisation history and alerts', () => {
  it('samples each pool as resource.utilisation.<kind>', async () => {
    await setPool(t.db, 'it', 'memory', { capacity: 200, allocated: 50 });
    const n = await sampleUtilisation(t.db, new Date('2026-01-01T00:00:00Z'));
    expect(n).toBeGreaterThan(40);
    const [row] = await t.db
      .select()
      .from(metricSamples)
      .where(and(eq(metricSamples.name, 'resource.utilisation.memory'), eq(metricSamples.departmentId, 'it')));
    expect(row.value).toBe(0.25);
  });

  it('opens one capacity_limit alert above 90%, keeps it single, and resolves it when use falls', async () => {
    const events: LiveEvent[] = [];
    const off = onLive((e) => events.push(e));
    await setPool(t.db, 'it', 'network', { capacity: 100, allocated: 95 });
    await checkCapacityAlerts(t.db);
    await checkCapacityAlerts(t.db);
    expect((await open('capacity_limit')).map((a) => a.detail.type)).toEqual(['network']);
    expect(events.some((e) => e.type === 'alert' && e.scope === 'it')).toBe(true);
    await setPool(t.db, 'it', 'network', { allocated: 90 });
    await checkCapacityAlerts(t.db);
    expect(await open('capacity_limit')).toEqual([]);
    off();
  });

  it('resolves a resource_shortage alert once the short kinds have room again', async () => {
    await setPool(t.db, 'it', 'storage', { capacity: 100, allocated: 100 });
    expect(await raiseShortage(t.db, 'it', { storage: 10 }, false)).toBe(true);
    expect(await raiseShortage(t.db, 'it', { storage: 12 }, true)).toBe(false);
    await checkCapacityAlerts(t.db);
    expect(await open('resource_shortage')).toHaveLength(1);
    await setPool(t.db, 'it', 'storage', { allocated: 80 });
    await checkCapacityAlerts(t.db);
    expect(await open('resource_shortage')).toEqual([]);
  });
});

describe('utilisation history', () => {
  it('answers one point per minute with the mean per kind, scoped to the caller', async () => {
    const { getUtilisationHistory } = await import('./history');
    const { principalOf } = await import('@/test/principals');
    const now = new Date();
    await t.db.insert(metricSamples).values([
      { at: now, name: 'resource.utilisation.compute', departmentId: 'research', value: 0.2 },
      { at: now, name: 'resource.utilisation.compute', departmentId: 'research', value: 0.4 },
      { at: now, name: 'resource.utilisation.compute', departmentId: 'it', value: 1 },
    ]);
    const mine = await getUtilisationHistory(t.db, principalOf('department-admin', ['research']), { departmentId: 'research' });
    expect(mine).toHaveLength(1);
    expect(mine[0].compute).toBeCloseTo(0.3);
    const other = await getUtilisationHistory(t.db, principalOf('department-admin', ['research'])).then((h) => h.at(-1)?.compute);
    expect(other).toBeCloseTo(0.3);
  });
});
