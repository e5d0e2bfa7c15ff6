import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray, sql } from 'drizzle-orm';
import { rowsOf } from '@/db/rows';
import { createTestDb, type TestDb } from '@/test/test-db';
import { agents, taskEvents, tasks } from '@/db/schema/work';
import { makeAgent, makeTask } from '../../test/resource-fixtures';
import { completeTask } from './lifecycle';
import { renewLeases } from '../agents/lease-renewals';
import type { Db } from '@/db/client';

describe('completions arriving together share one statement', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  async function busyAgent(held: number) {
    const agent = await makeAgent(t.db, 'finance');
    await t.db
      .update(agents)
      .set({ maxConcurrentTasks: 8, activeTasks: held, status: 'busy', completedCount: 2, recentDurationsMs: Array(99).fill(7) })
      .where(eq(agents.id, agent.id));
    const ids: string[] = [];
    for (let i = 0; i < held; i++) ids.push((await makeTask(t.db, 'finance', { status: 'assigned', agentId: agent.id })).id);
    await t.db.update(tasks).set({ assignedAt: new Date(), attempts: 1 }).where(inArray(tasks.id, ids));
    return { agent, ids };
  }

  it('counts each agent once per completed task, whatever shares the batch, and answers each caller its own outcome', async () => {
    const a = await busyAgent(3);
    const b = await busyAgent(2);
    const stranger = await makeAgent(t.db, 'finance');
    // All in one turn: one batch. A's first task twice (a retry), B's first also claimed by a
    // stranger, and one result Postgres refuses (a NUL escape) that must fail alone.
    const calls = [
      completeTask(t.db, a.agent.id, a.ids[0], { n: 1 }),
      completeTask(t.db, a.agent.id, a.ids[0], { n: 1 }),
      completeTask(t.db, a.agent.id, a.ids[1], null),
      completeTask(t.db, a.agent.id, a.ids[2], { bad: 'nul \u0000 here' }),
      completeTask(t.db, stranger.id, b.ids[0], { n: 'stolen' }),
      completeTask(t.db, b.agent.id, b.ids[0], { n: 'b0' }),
      completeTask(t.db, b.agent.id, b.ids[1], { n: 'b1' }),
    ].map((p) =>
      p.then(
        (v) => ({ ok: true as const, v }),
        (err: { code?: string; cause?: { code?: string } }) => ({ ok: false as const, code: err.code ?? err.cause?.code }),
      ),
    );
    const [a0, a0again, a1, a2, stolen, b0, b1] = await Promise.all(calls);

    expect(a0.ok && a0again.ok && [a0.v?.duplicate, a0again.v?.duplicate].sort()).toEqual([false, true]);
    expect(a1.ok && a1.v?.task.status).toBe('completed');
    expect(a2).toEqual({ ok: false, code: '22P05' });
    expect(stolen).toEqual({ ok: true, v: null });
    expect(b0.ok && b0.v?.task.result).toEqual({ n: 'b0' });
    expect(b1.ok && b1.v?.duplicate).toBe(false);

    const [rowA] = await t.db.select().from(agents).where(eq(agents.id, a.agent.id));
    expect(rowA.activeTasks).toBe(1); // the refused completion's task is still held
    expect(rowA.status).toBe('busy');
    expect(rowA.completedCount).toBe(4);
    expect(rowA.recentDurationsMs).toHaveLength(100); // the newest 100 kept
    const [rowB] = await t.db.select().from(agents).where(eq(agents.id, b.agent.id));
    expect([rowB.activeTasks, rowB.status, rowB.completedCount]).toEqual([0, 'idle', 4]);
    const [stillHeld] = await t.db.select().from(tasks).where(eq(tasks.id, a.ids[2]));
    expect([stillHeld.status, stillHeld.assignedAgentId]).toEqual(['assigned', a.agent.id]);
    const events = await t.db
      .select()
      .from(taskEvents)
      .where(inArray(taskEvents.taskId, [...a.ids, ...b.ids]));
    expect(
      events
        .filter((e) => e.type === 'completed')
        .map((e) => e.taskId)
        .sort(),
    ).toEqual([a.ids[0], a.ids[1], ...b.ids].sort());
  });

  it('commits completions of one turn together: one transaction for all of them', async () => {
    const agentsWithTasks = await Promise.all([busyAgent(4), busyAgent(4), busyAgent(4)]);
    const all = agentsWithTasks.flatMap(({ agent, ids }) => ids.map((id) => ({ agent: agent.id, id })));
    const outs = await Promise.all(all.map(({ agent, id }) => completeTask(t.db, agent, id, { id })));
    expect(outs.every((o) => o?.duplicate === false)).toBe(true);
    // Rows a transaction wrote carry its id: one statement, one transaction, one xmin.
    const rows = await t.db.execute<{ xmin: string }>(sql`select distinct xmin::text from tasks where id in ${all.map((x) => x.id)}`);
    expect(rowsOf(rows)).toHaveLength(1);
  });

  it('never deadlocks with lease renewals of the same agents (both take tasks in id order, then agents)', async () => {
    const codes: string[] = [];
    const db = recordingErrors(t.db, codes);
    // Without the ordering, about one run in two of 15 rounds met a deadlock: 40 rounds.
    for (let round = 0; round < 40; round++) {
      const a = await busyAgent(6);
      const b = await busyAgent(6);
      // No window: the renewal's statement races the completions' (both leave within a turn).
      const beats = [a, b, a, b].map(({ agent }) => renewLeases(db, agent.id, new Date(), 0));
      const done = [a, b].flatMap(({ agent, ids }) => ids.map((id) => completeTask(db, agent.id, id, null)));
      await Promise.all([...beats, ...done]);
    }
    // A deadlock is retried and would pass unseen: the driver saw none.
    expect(codes).not.toContain('40P01');
  });

  it('completes a lone task as before', async () => {
    const a = await busyAgent(1);
    const out = await completeTask(t.db, a.agent.id, a.ids[0], { lone: true });
    expect(out?.duplicate).toBe(false);
    expect(out?.task.result).toEqual({ lone: true });
    const [row] = await t.db.select().from(agents).where(eq(agents.id, a.agent.id));
    expect([row.activeTasks, row.status, row.completedCount]).toEqual([0, 'idle', 3]);
  });
});

/** The database, with every error code the driver answers (raw statements) written down. */
function recordingErrors(db: Db, codes: string[]): Db {
  type Unsafe = (...args: unknown[]) => Promise<unknown>;
  const client = (db as unknown as { $client?: { unsafe?: Unsafe } }).$client;
  if (!client?.unsafe) return db; // PGlite runs one statement at a time: nothing can deadlock
  const recording = new Proxy(client, {
    get: (target, key, receiver) =>
      key === 'unsafe'
        ? (...args: unknown[]) =>
            target.unsafe!(...args).catch((err: { code?: string }) => {
              codes.push(String(err.code));
              throw err;
            })
        : Reflect.get(target, key, receiver),
  });
  return new Proxy(db, { get: (target, key, receiver) => (key === '$client' ? recording : Reflect.get(target, key, receiver)) });
}
