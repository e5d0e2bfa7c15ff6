import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { agents } from '@/db/schema/work';
import { departmentLeaderboard } from './leaderboard';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  const base = { departmentId: 'legal', type: 'worker', specialization: 'contracts', secretHash: 'x', status: 'idle' as const };
  await t.db.insert(agents).values([
    { ...base, name: 'steady', completedCount: 9, failedCount: 1, totalDurationMs: 900, recentDurationsMs: [50, 100, 150] },
    { ...base, name: 'perfect', completedCount: 4, failedCount: 0, totalDurationMs: 2000, recentDurationsMs: [500] },
    { ...base, name: 'new' },
    { ...base, name: 'gone', status: 'retired', completedCount: 100 },
    { ...base, name: 'elsewhere', departmentId: 'hr', completedCount: 100 },
  ]);
});
afterAll(() => t.drop());

describe('department leaderboard', () => {
  it('ranks agents by success rate with mean and p95 run times, leaving out retired and other departments', async () => {
    const rows = await departmentLeaderboard(t.db, principalOf('super-admin'), 'legal');
    expect(rows.map((r) => [r.name, r.successRate, r.meanMs, r.p95Ms])).toEqual([
      ['perfect', 1, 500, 500],
      ['steady', 0.9, 100, 150],
      ['new', null, null, null],
    ]);
  });

  it('hides another department from a confined user', async () => {
    await expect(departmentLeaderboard(t.db, principalOf('department-coordinator', ['hr']), 'legal')).rejects.toMatchObject({
      status: 404,
    });
  });
});
