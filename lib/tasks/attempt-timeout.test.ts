import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { agents, taskAttempts, taskEvents, tasks } from '@/db/schema/work';
import { makeAgent } from '../../test/resource-fixtures';
import { onDomain } from '../live';
import type { Principal } from '../permissions/rbac';
import { createTaskSchema } from './schemas';
import { createTask } from './service';
import { completeTask, overdueTasks, requeueTask, timeOutTask } from '../lifecycle/lifecycle';
import { assignTask } from '../dispatch/assign';

const admin: Principal = { kind: 'user', id: 'test-admin', name: 'test admin', role: 'super-admin', departmentIds: [], permissions: ['*'] };

describe('attempt timeouts', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  async function overdueTask(maxAttempts: number) {
    const agent = await makeAgent(t.db, 'legal');
    await t.db.update(agents).set({ status: 'idle' }).where(eq(agents.id, agent.id));
    const task = await createTask(
      t.db,
      admin,
      createTaskSchema.parse({ title: 'slow', departmentId: 'legal', type: 'review', timeout: 1000, maxAttempts }),
    );
    const out = await assignTask(t.db, { ...task, timeoutMs: 1000, requirements: {} } as never, agent.id);
    expect(out.ok).toBe(true);
    // Its lease was renewed just now (a heart-beat), but it was handed out 5 s ago.
    await t.db
      .update(tasks)
      .set({ assignedAt: sql`now() - interval '5 seconds'`, leaseExpiresAt: sql`now() + interval '60 seconds'` })
      .where(eq(tasks.id, task.id));
    return { agent, task };
  }

  it('parallel sweeps end an overdue attempt once: one timed-out attempt, one failure counted, one revoke', async () => {
    const { agent, task } = await overdueTask(3);
    expect(await overdueTasks(t.db)).toContain(task.id);
    const revoked: string[] = [];
    const off = onDomain('task:revoked', (e) => e.taskId === task.id && revoked.push(e.reason));
    try {
      const results = await Promise.all(Array.from({ length: 8 }, () => timeOutTask(t.db, task.id)));
      expect(results.filter(Boolean)).toHaveLength(1);
    } finally {
      off();
    }
    expect(revoked).toEqual(['timeout']);
    const [row] = await t.db.select().from(tasks).where(eq(tasks.id, task.id));
    expect(row).toMatchObject({ status: 'pending', assignedAgentId: null, attempts: 1 });
    expect(row.availableAt.getTime()).toBeGreaterThan(Date.now());
    const attempts = await t.db.select().from(taskAttempts).where(eq(taskAttempts.taskId, task.id));
    expect(attempts.map((a) => [a.attempt, a.agentId, a.outcome])).toEqual([[1, agent.id, 'timed-out']]);
    const [a] = await t.db.select().from(agents).where(eq(agents.id, agent.id));
    expect(a).toMatchObject({ failedCount: 1, activeTasks: 0, completedCount: 0 });
    const events = await t.db.select().from(taskEvents).where(eq(taskEvents.taskId, task.id));
    expect(events.filter((e) => e.type === 'retry-scheduled')).toHaveLength(1);
  });

  it('the last attempt past its timeout dead-letters the task with reason timeout; one not yet due is left alone', async () => {
    const { task } = await overdueTask(1);
    const { task: fresh } = await overdueTask(1);
    await t.db.update(tasks).set({ assignedAt: sql`now()` }).where(eq(tasks.id, fresh.id));
    expect(await timeOutTask(t.db, fresh.id)).toBeNull();
    const row = await timeOutTask(t.db, task.id);
    expect(row).toMatchObject({ status: 'dead', statusReason: 'timeout' });
    expect(row!.error).toMatch(/^timeout/);
    const [still] = await t.db.select().from(tasks).where(eq(tasks.id, fresh.id));
    expect(still.status).toBe('assigned');
  });

  it('records every attempt with how it ended: lost (lease), preempted, revoked (cancelled), completed', async () => {
    const agent = await makeAgent(t.db, 'legal');
    const task = await createTask(
      t.db,
      admin,
      createTaskSchema.parse({ title: 'many hands', departmentId: 'legal', type: 'review', maxAttempts: 10 }),
    );
    const handOut = async () => {
      const [row] = await t.db.select().from(tasks).where(eq(tasks.id, task.id));
      expect((await assignTask(t.db, row, agent.id)).ok).toBe(true);
    };
    for (const reason of ['lease expired', 'preempted', 'cancelled']) {
      await handOut();
      await requeueTask(t.db, task.id, reason);
    }
    await handOut();
    expect(await completeTask(t.db, agent.id, task.id, { ok: true })).not.toBeNull();
    const attempts = await t.db.select().from(taskAttempts).where(eq(taskAttempts.taskId, task.id)).orderBy(taskAttempts.attempt);
    expect(attempts.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'lost'],
      [2, 'preempted'],
      [3, 'revoked'],
      [4, 'completed'],
    ]);
    expect(attempts.every((a) => a.agentId === agent.id && a.endedAt && a.endedAt >= a.startedAt)).toBe(true);
  });
});
