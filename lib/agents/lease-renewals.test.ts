import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { rowsOf } from '@/db/rows';
import { agents, tasks } from '@/db/schema/work';
import { makeAgent, makeTask } from '../../test/resource-fixtures';
import { renewLeases } from './lease-renewals';

describe('lease renewals due together share one statement', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  async function agentHolding(n: number, status: 'busy' | 'offline' = 'busy') {
    const agent = await makeAgent(t.db, 'research');
    await t.db.update(agents).set({ status, activeTasks: n, maxConcurrentTasks: 4 }).where(eq(agents.id, agent.id));
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await makeTask(t.db, 'research', { status: 'running', agentId: agent.id })).id);
    // Leases about to run out.
    await t.db
      .update(tasks)
      .set({ leaseExpiresAt: new Date(Date.now() + 1000) })
      .where(inArray(tasks.id, ids));
    return { agent, ids };
  }

  it("extends every held task's lease, records each beat, repairs a row marked offline, in one transaction", async () => {
    const holders = await Promise.all([agentHolding(2), agentHolding(3), agentHolding(1, 'offline')]);
    const other = await agentHolding(1); // not beating: its lease stays as it was
    const at = new Date(Date.now() - 5);
    await Promise.all(holders.map(({ agent }) => renewLeases(t.db, agent.id, at)));

    const ids = holders.flatMap((h) => h.ids);
    const rows = await t.db.select().from(tasks).where(inArray(tasks.id, ids));
    // The default lease is 60 s: far past the 1 s they had.
    for (const r of rows) expect(r.leaseExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
    const xmins = rowsOf<{ xmin: string }>(await t.db.execute(sql`select distinct xmin::text from tasks where id in ${ids}`));
    expect(xmins).toHaveLength(1);
    const [untouched] = await t.db.select().from(tasks).where(eq(tasks.id, other.ids[0]));
    expect(untouched.leaseExpiresAt!.getTime()).toBeLessThan(Date.now() + 2000);

    const beat = await t.db
      .select()
      .from(agents)
      .where(
        inArray(
          agents.id,
          holders.map((h) => h.agent.id),
        ),
      );
    for (const a of beat) expect(a.lastHeartbeatAt?.getTime()).toBe(at.getTime());
    expect(beat.find((a) => a.id === holders[2].agent.id)?.status).toBe('busy');
  });

  it('answers every caller of a window, the same agent twice included', async () => {
    const { agent } = await agentHolding(1);
    const early = new Date(Date.now() - 1000);
    const late = new Date();
    await Promise.all([renewLeases(t.db, agent.id, early), renewLeases(t.db, agent.id, late)]);
    const [row] = await t.db.select().from(agents).where(eq(agents.id, agent.id));
    expect(row.lastHeartbeatAt?.getTime()).toBe(late.getTime());
  });
});
