import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { and, eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { departments, resourcePools } from '@/db/schema/org';
import { alerts } from '@/db/schema/work';
import { evaluateAlerts, resetAlertState } from '@/lib/alerts/engine';
import { metrics, resetMetrics } from '@/lib/metrics/registry';
import { refreshGauges } from '@/lib/metrics/gauges';
import { updateAlert } from '@/db/queries/alerts';
import { withoutProcessLabel } from '../../test/metric-labels';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());
beforeEach(() => {
  resetMetrics();
  resetAlertState();
});

async function departmentWithCost(id: string, cap: number, computeUnits: number) {
  await t.db.insert(departments).values({ id, name: id, maxAgents: 5, resourceTypes: ['compute'], quotaMaxMonthlyCost: cap });
  await t.db
    .insert(resourcePools)
    .values({ departmentId: id, type: 'compute', guaranteed: 100, maximum: 100, capacity: 100, allocated: computeUnits });
}
const setUnits = (id: string, allocated: number) =>
  t.db
    .update(resourcePools)
    .set({ allocated })
    .where(and(eq(resourcePools.departmentId, id), eq(resourcePools.type, 'compute')));
const costAlerts = (id: string) =>
  t.db
    .select()
    .from(alerts)
    .where(and(eq(alerts.departmentId, id), eq(alerts.kind, 'quota_cost')));

describe('monthly cost quota alert', () => {
  it('fires at 80% of maxMonthlyCost once per department and month, not at every evaluation', async () => {
    await departmentWithCost('cost-a', 1000, 31); // 31 vCPU × 25 = 775: under 80%
    const jan = Date.UTC(2027, 0, 10, 12);
    await evaluateAlerts(t.db, undefined, jan);
    expect(await costAlerts('cost-a')).toHaveLength(0);

    await setUnits('cost-a', 32); // 800 = 80%
    const first = await evaluateAlerts(t.db, undefined, jan + 60_000);
    expect(first.raised.filter((a) => a.kind === 'quota_cost').map((a) => [a.departmentId, a.severity, a.detail.month])).toEqual([
      ['cost-a', 'warning', '2027-01'],
    ]);
    for (let i = 2; i < 5; i++)
      expect((await evaluateAlerts(t.db, undefined, jan + i * 60_000)).raised.filter((a) => a.kind === 'quota_cost')).toHaveLength(0);

    // Resolved by hand (or by the cost dipping) and over again the same month: still one alert.
    const [row] = await costAlerts('cost-a');
    await updateAlert(t.db, row.id, { status: 'resolved', resolvedAt: new Date(jan + 5 * 60_000) });
    await setUnits('cost-a', 30);
    await evaluateAlerts(t.db, undefined, jan + 6 * 60_000);
    await setUnits('cost-a', 36);
    await evaluateAlerts(t.db, undefined, jan + 7 * 60_000);
    expect(await costAlerts('cost-a')).toHaveLength(1);

    // A new month warns again.
    const feb = Date.UTC(2027, 1, 1, 0, 5);
    const next = await evaluateAlerts(t.db, undefined, feb);
    expect(next.raised.filter((a) => a.kind === 'quota_cost').map((a) => a.detail.month)).toEqual(['2027-02']);
    expect(await costAlerts('cost-a')).toHaveLength(2);
  });

  it('two evaluations at once still raise it once', async () => {
    await departmentWithCost('cost-b', 100, 4); // 100 = 100%: critical
    const at = Date.UTC(2027, 2, 3, 9);
    const both = await Promise.all([evaluateAlerts(t.db, undefined, at), evaluateAlerts(t.db, undefined, at)]);
    const raised = both.flatMap((r) => r.raised).filter((a) => a.kind === 'quota_cost' && a.departmentId === 'cost-b');
    expect(raised).toHaveLength(1);
    expect(raised[0].severity).toBe('critical');
    expect(await costAlerts('cost-b')).toHaveLength(1);
  });

  it('exports quota limits and use per department on /metrics', async () => {
    await t.db
      .insert(departments)
      .values({ id: 'cost-c', name: 'c', maxAgents: 5, resourceTypes: ['compute'], quotaMaxMonthlyCost: 500, quotaMaxPendingTasks: 9 });
    await t.db
      .insert(resourcePools)
      .values({ departmentId: 'cost-c', type: 'compute', guaranteed: 10, maximum: 10, capacity: 10, allocated: 2 });
    await refreshGauges(t.db);
    const text = withoutProcessLabel(await metrics().registry.metrics());
    expect(text).toContain('ecs_quota_limit{department="cost-c",quota="maxMonthlyCost"} 500');
    expect(text).toContain('ecs_quota_used{department="cost-c",quota="maxMonthlyCost"} 50');
    expect(text).toContain('ecs_quota_limit{department="cost-c",quota="maxPendingTasks"} 9');
    expect(text).toContain('ecs_quota_used{department="cost-c",quota="maxPendingTasks"} 0');
    expect(text).not.toMatch(/ecs_quota_limit\{department="cost-c",quota="tasksPerMinute"\}/);
  });
});
