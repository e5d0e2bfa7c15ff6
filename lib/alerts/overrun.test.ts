import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { tasks } from '@/db/schema/work';
import { makeAgent, makeTask } from '../../test/resource-fixtures';
import { evaluateAlerts, resetAlertState } from './engine';
import type { AlertConfig } from './rules';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
  resetAlertState();
});
afterAll(() => t.drop());

const cfg: AlertConfig = {
  failureRate: 0.25,
  latencyP95Ms: 500,
  sustainMs: 120_000,
  windowMs: 60_000,
  minVolume: 5,
  maxConcurrentAgents: 1000,
};

describe('overrun alerts', () => {
  it('a running task past twice its estimate raises one overrun alert, resolved when it stops running; one within it raises none', async () => {
    const agent = await makeAgent(t.db, 'legal');
    const slow = await makeTask(t.db, 'legal', { status: 'running', agentId: agent.id });
    const onTime = await makeTask(t.db, 'legal', { status: 'running', agentId: agent.id });
    await t.db.update(tasks).set({ estimatedDurationMs: 1000, assignedAt: sql`now() - interval '3 seconds'` }).where(eq(tasks.id, slow.id));
    await t.db
      .update(tasks)
      .set({ estimatedDurationMs: 10_000, assignedAt: sql`now() - interval '3 seconds'` })
      .where(eq(tasks.id, onTime.id));

    const first = await evaluateAlerts(t.db, cfg);
    const overruns = first.raised.filter((a) => a.kind === 'overrun');
    expect(overruns).toHaveLength(1);
    expect(overruns[0].detail).toMatchObject({ taskId: slow.id, estimatedDurationMs: 1000 });
    expect(overruns[0].departmentId).toBe('legal');
    // De-duplicated while it holds.
    expect((await evaluateAlerts(t.db, cfg)).raised.filter((a) => a.kind === 'overrun')).toHaveLength(0);

    await t.db.update(tasks).set({ status: 'completed' }).where(eq(tasks.id, slow.id));
    const after = await evaluateAlerts(t.db, cfg);
    expect(after.resolved.map((a) => a.id)).toContain(overruns[0].id);
  });
});
