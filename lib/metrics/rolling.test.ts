import { beforeEach, describe, expect, it } from 'vitest';
import { RollingWindow, quantileOf } from './rolling';
import { recordAgentState, recordAssignment, recordTaskCreated, recordTaskFinished } from './record';
import { resetMetrics } from './registry';
import { combineSnapshots, snapshot } from '../status/snapshot';

const T = Date.UTC(2026, 0, 1, 0, 0, 0);

describe('rolling window', () => {
  it('sums only the asked window and forgets slots a full ring old', () => {
    const w = new RollingWindow();
    w.add('created', 2, T);
    w.add('created', 3, T + 30_000);
    expect(w.sum(60_000, T + 59_000).created).toBe(5);
    expect(w.sum(10_000, T + 35_000).created).toBe(3);
    // 15 minutes later the same slot index is reused: the old count must not leak in.
    w.add('created', 1, T + 15 * 60_000);
    expect(w.sum(1_000, T + 15 * 60_000).created).toBe(1);
    expect(w.sum(15 * 60_000, T + 15 * 60_000).created).toBe(4);
  });

  it('takes nearest-rank quantiles of the latencies in the window', () => {
    const w = new RollingWindow();
    for (let i = 1; i <= 100; i++) w.addLatency(i, T + i);
    expect(w.quantile(0.95, 1_000, T + 100)).toBe(95);
    expect(w.quantile(0.5, 1_000, T + 100)).toBe(50);
    expect(w.quantile(0.5, 1_000, T + 10_000)).toBeNull();
    expect(quantileOf([3, 1, 2].sort(), 0.99)).toBe(3);
  });
});

describe('live snapshot', () => {
  beforeEach(() => resetMetrics());

  it('reports throughput, completion rate, p95 and queue per department from the record helpers', () => {
    for (let i = 0; i < 10; i++) recordTaskCreated('sales', T + i);
    for (let i = 0; i < 6; i++) recordAssignment('sales', 10 * (i + 1), 10, T + 100 + i);
    recordTaskFinished('sales', 'completed', 5, { at: T + 200 });
    recordTaskFinished('sales', 'completed', 5, { at: T + 201 });
    recordTaskFinished('sales', 'completed', 5, { at: T + 202 });
    recordTaskFinished('sales', 'dead', 5, { at: T + 203 });
    recordTaskCreated('hr', T + 300);
    recordAgentState('sales', null, 'idle');
    recordAgentState('sales', 'idle', 'busy');
    const s = snapshot('sales', T + 1_000);
    expect(s).toMatchObject({
      departmentId: 'sales',
      tasksPerMin: 10,
      completedPerMin: 3,
      failedPerMin: 1,
      completionRate: 0.75,
      p95AssignmentMs: 60,
      queueDepth: 4,
      agents: { idle: 0, busy: 1 },
    });
    const all = snapshot(null, T + 1_000);
    expect(all).toMatchObject({ tasksPerMin: 11, queueDepth: 5 });
    // A minute later the per-minute figures are empty again; the 5-minute ones remain.
    expect(snapshot('sales', T + 61_000)).toMatchObject({ tasksPerMin: 0, completionRate: 0.75 });
    const both = combineSnapshots([snapshot('sales', T + 1_000), snapshot('hr', T + 1_000)], null, T + 1_000);
    expect(both).toMatchObject({ tasksPerMin: 11, queueDepth: 5, p95AssignmentMs: 60, completionRate: 0.75 });
  });
});
