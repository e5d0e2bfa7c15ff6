import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { agents, tasks } from '@/db/schema/work';
import { makeAgent, makeTask } from '../../test/resource-fixtures';
import { evaluateAlerts, resetAlertState } from './engine';
import type { AlertConfig } from './rules';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());
beforeEach(() => resetAlertState());

const MIN = 60_000;
const cfg: AlertConfig = {
  failureRate: 0.25,
  latencyP95Ms: 500,
  sustainMs: 2 * MIN,
  windowMs: MIN,
  minVolume: 5,
  maxConcurrentAgents: 1000,
  stuckQueueMs: 5 * MIN,
};
const stuckIn = <A extends { kind: string; departmentId: string | null }>(alerts: A[], dept: string): A[] =>
  alerts.filter((a) => a.kind === 'stuck_queue' && a.departmentId === dept);

describe('stuck queue alerts', () => {
  it('raises once due tasks have waited N minutes with no agent online, and resolves when an agent comes online', async () => {
    const offline = await makeAgent(t.db, 'research');
    await t.db.update(agents).set({ status: 'offline' }).where(eq(agents.id, offline.id));
    const task = await makeTask(t.db, 'research');
    await t.db.update(tasks).set({ availableAt: sql`now() - interval '7 minutes'` }).where(eq(tasks.id, task.id));
    const now = Date.now();

    // Seen now; not yet held N minutes.
    expect(stuckIn((await evaluateAlerts(t.db, cfg, now)).raised, 'research')).toHaveLength(0);
    const { raised } = await evaluateAlerts(t.db, cfg, now + 5 * MIN + 1_000);
    const [alert] = stuckIn(raised, 'research');
    expect(alert.message).toMatch(/^1 task waiting in research with no agent online/);
    expect(alert.detail).toMatchObject({ pending: 1 });
    // De-duplicated while it holds.
    expect(stuckIn((await evaluateAlerts(t.db, cfg, now + 6 * MIN)).raised, 'research')).toHaveLength(0);

    await t.db.update(agents).set({ status: 'idle' }).where(eq(agents.id, offline.id));
    const { resolved } = await evaluateAlerts(t.db, cfg, now + 7 * MIN);
    expect(resolved.map((a) => a.id)).toContain(alert.id);
    await t.db.update(tasks).set({ status: 'cancelled' }).where(eq(tasks.id, task.id));
  });

  it('says nothing for a department whose agent is online, for tasks not yet due, or when switched off', async () => {
    await makeAgent(t.db, 'hr'); // idle: online
    await makeTask(t.db, 'hr');
    const later = await makeTask(t.db, 'marketing');
    await t.db.update(tasks).set({ availableAt: sql`now() + interval '1 hour'` }).where(eq(tasks.id, later.id));
    const stuck = await makeTask(t.db, 'sales');
    const now = Date.now();
    for (const at of [now, now + 10 * MIN]) {
      const { raised } = await evaluateAlerts(t.db, cfg, at);
      expect(stuckIn(raised, 'hr')).toHaveLength(0);
      expect(stuckIn(raised, 'marketing')).toHaveLength(0);
    }
    resetAlertState();
    for (const at of [now, now + 10 * MIN])
      expect(stuckIn((await evaluateAlerts(t.db, { ...cfg, stuckQueueMs: 0 }, at)).raised, 'sales')).toHaveLength(0);
    expect(stuckIn((await evaluateAlerts(t.db, cfg, now + 20 * MIN)).raised, 'sales')).toHaveLength(0);
    expect(stuckIn((await evaluateAlerts(t.db, cfg, now + 26 * MIN)).raised, 'sales')).toHaveLength(1);
    await t.db.update(tasks).set({ status: 'cancelled' }).where(eq(tasks.id, stuck.id));
  });
});
