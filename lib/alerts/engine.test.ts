import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { onLive, type LiveEvent } from '@/lib/live';
import { recordAssignment, recordTaskFinished } from '@/lib/metrics/record';
import { resetMetrics } from '@/lib/metrics/registry';
import { principalOf } from '@/test/principals';
import { evaluateAlerts, resetAlertState } from './engine';
import { listAlerts } from './service';
import type { AlertConfig } from './rules';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());
beforeEach(() => {
  resetMetrics();
  resetAlertState();
});

const MIN = 60_000;
const cfg: AlertConfig = {
  failureRate: 0.25,
  latencyP95Ms: 500,
  sustainMs: 2 * MIN,
  windowMs: MIN,
  minVolume: 5,
  maxConcurrentAgents: 1000,
};
const admin = principalOf('super-admin');

/** Drives `n` finished tasks in a department at fake time `at`, `failed` of them failing. */
function drive(dept: string, at: number, n: number, failed: number) {
  for (let i = 0; i < n; i++) recordTaskFinished(dept, i < failed ? 'failed' : 'completed', 100, { at: at + i });
}

describe('performance alerts', () => {
  it('raises a failure-rate alert after it holds for N minutes, pushes it live, and resolves it when the rate falls', async () => {
    const live: LiveEvent[] = [];
    const off = onLive((e) => live.push(e));
    const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);

    drive('finance', t0, 20, 10); // 50% > 25%
    expect((await evaluateAlerts(t.db, cfg, t0 + 1_000)).raised).toHaveLength(0); // not held long enough yet
    drive('finance', t0 + MIN, 20, 10);
    expect((await evaluateAlerts(t.db, cfg, t0 + MIN + 1_000)).raised).toHaveLength(0);
    drive('finance', t0 + 2 * MIN, 20, 10);
    const { raised } = await evaluateAlerts(t.db, cfg, t0 + 2 * MIN + 1_000);
    const perf = raised.filter((a) => a.kind === 'performance');
    expect(perf.map((a) => [a.departmentId, a.detail.metric])).toEqual(
      expect.arrayContaining([
        ['finance', 'failure-rate'],
        [null, 'failure-rate'],
      ]),
    );
    expect(perf.find((a) => a.departmentId === 'finance')!.message).toMatch(/failure rate 50%/);
    expect(live.some((e) => e.type === 'alert' && e.scope === 'finance' && (e.data as { event: string }).event === 'raised')).toBe(true);

    // Still failing: de-duplicated, no second alert.
    drive('finance', t0 + 3 * MIN, 20, 10);
    expect((await evaluateAlerts(t.db, cfg, t0 + 3 * MIN + 1_000)).raised.filter((a) => a.kind === 'performance')).toHaveLength(0);
    const open = await listAlerts(t.db, admin, { status: 'open', limit: 50 });
    expect(open.items.filter((a) => a.kind === 'performance' && a.departmentId === 'finance')).toHaveLength(1);

    // Rate falls below the threshold: resolved.
    drive('finance', t0 + 4 * MIN, 20, 1);
    const { resolved } = await evaluateAlerts(t.db, cfg, t0 + 4 * MIN + 1_000);
    expect(
      resolved
        .filter((a) => a.kind === 'performance')
        .map((a) => a.departmentId)
        .sort(),
    ).toEqual(['finance', null].sort());
    expect(live.some((e) => e.type === 'alert' && (e.data as { event: string }).event === 'resolved')).toBe(true);
    const after = await listAlerts(t.db, admin, { status: 'open', limit: 50 });
    expect(after.items.filter((a) => a.kind === 'performance')).toHaveLength(0);
    off();
  });

  it('a blip shorter than N minutes raises nothing', async () => {
    const t0 = Date.UTC(2026, 0, 2, 12, 0, 0);
    drive('legal', t0, 10, 10);
    await evaluateAlerts(t.db, cfg, t0 + 1_000);
    drive('legal', t0 + MIN, 10, 0);
    await evaluateAlerts(t.db, cfg, t0 + MIN + 1_000);
    drive('legal', t0 + 2 * MIN + 30_000, 10, 10);
    const r = await evaluateAlerts(t.db, cfg, t0 + 2 * MIN + 31_000);
    expect(r.raised.filter((a) => a.departmentId === 'legal')).toHaveLength(0);
  });

  it('raises on p95 assignment latency above the threshold', async () => {
    const t0 = Date.UTC(2026, 0, 3, 12, 0, 0);
    const slow = (at: number) => {
      for (let i = 0; i < 20; i++) recordAssignment('hr', i < 18 ? 50 : 2_000, 50, at + i);
    };
    slow(t0);
    await evaluateAlerts(t.db, { ...cfg, sustainMs: 0 }, t0 + 1_000);
    const open = await listAlerts(t.db, admin, { status: 'open', departmentId: 'hr', limit: 50 });
    expect(open.items.map((a) => a.detail.metric)).toContain('assignment-latency-p95');
  });

  it('ignores too little volume to judge a rate', async () => {
    const t0 = Date.UTC(2026, 0, 4, 12, 0, 0);
    drive('it', t0, 3, 3);
    const r = await evaluateAlerts(t.db, { ...cfg, sustainMs: 0 }, t0 + 1_000);
    expect(r.raised.filter((a) => a.departmentId === 'it')).toHaveLength(0);
  });
});
