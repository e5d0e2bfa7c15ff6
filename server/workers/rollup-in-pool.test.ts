import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, isNull } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { metricSamples } from '@/db/schema/work';
import { recordAssignment } from '@/lib/metrics/record';
import { metrics, resetMetrics } from '@/lib/metrics/registry';
import { MINUTE, POOL_MIN_LATENCIES, rollUpMinute } from '@/lib/metrics/rollup';
import { withoutProcessLabel } from '@/test/metric-labels';
import { closeWorkerPool } from './pool';
import { registerPoolWork } from './register';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ seed: false });
  registerPoolWork();
});
afterAll(async () => {
  await closeWorkerPool();
  await t.drop();
});

const sample = async (name: string, departmentId: string | null, at: number) =>
  (
    await t.db
      .select({ v: metricSamples.value })
      .from(metricSamples)
      .where(
        and(
          eq(metricSamples.name, name),
          departmentId ? eq(metricSamples.departmentId, departmentId) : isNull(metricSamples.departmentId),
          eq(metricSamples.at, new Date(at)),
        ),
      )
  )[0]?.v;

describe('the per-minute roll-up of a busy minute', () => {
  it('sorts full latency reservoirs in the worker pool and stores the same percentiles', { timeout: 60_000 }, async () => {
    resetMetrics();
    const m0 = Math.floor(Date.now() / MINUTE) * MINUTE - 2 * MINUTE;
    // Two departments, 8,192 assignments each: with the system's window, 32,768 latencies to sort.
    for (let i = 1; i <= 8192; i++) {
      recordAssignment('engineering', 8193 - i, 0, m0 + 1 + (i % 59_000));
      recordAssignment('sales', 10_000 + i, 0, m0 + 1 + (i % 59_000));
    }
    expect(3 * 8192).toBeGreaterThanOrEqual(POOL_MIN_LATENCIES);
    await rollUpMinute(t.db, m0, 'counts');

    const ran = withoutProcessLabel(await metrics().registry.metrics()).match(
      /^ecs_worker_pool_task_seconds_count\{kind="quantiles"\} (\d+)$/m,
    )?.[1];
    expect(ran).toBe('1');
    // Nearest rank: the ceil(q·n)-th smallest.
    expect(await sample('assign_latency_p50', 'engineering', m0)).toBe(4096);
    expect(await sample('assign_latency_p95', 'engineering', m0)).toBe(7783);
    expect(await sample('assign_latency_p99', 'sales', m0)).toBe(10_000 + 8111);
    expect(await sample('assign_latency_p50', null, m0)).toBe(8192);
    expect(await sample('tasks_assigned', null, m0)).toBe(16_384);
  });
});
