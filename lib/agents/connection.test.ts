import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, inArray } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { agents, tasks } from '@/db/schema/work';
import { makeAgent, makeTask } from '../../test/resource-fixtures';
import { presence } from '../presence/presence';
import { assignTask } from '../dispatch/assign';
import { agentLost } from './connection';

describe('agentLost', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('leaves no task with a lost agent, even one handed to it while it was being lost', async () => {
    const agent = await makeAgent(t.db, 'legal');
    let stranded = 0;
    for (let round = 0; round < 40; round++) {
      await t.db.update(agents).set({ status: 'idle', activeTasks: 0, maxConcurrentTasks: 4 }).where(eq(agents.id, agent.id));
      presence().connect({
        id: agent.id,
        departmentId: 'legal',
        specialization: 'general',
        capabilities: {},
        activeTasks: 0,
        maxConcurrentTasks: 4,
        weight: 1,
        score: 1,
      });
      const task = await makeTask(t.db, 'legal');
      // The hand-out is on its way to Postgres when the agent is declared lost.
      const handOut = assignTask(t.db, task, agent.id);
      await Promise.all([handOut, agentLost(t.db, agent.id, 'test')]);
      const held = await t.db
        .select({ id: tasks.id })
        .from(tasks)
        .where(and(eq(tasks.assignedAgentId, agent.id), inArray(tasks.status, ['assigned', 'running'])));
      stranded += held.length;
      await t.db.update(tasks).set({ status: 'cancelled', assignedAgentId: null }).where(eq(tasks.id, task.id));
    }
    expect(stranded).toBe(0);
    const [row] = await t.db.select().from(agents).where(eq(agents.id, agent.id));
    expect(row.status).toBe('offline');
  });
});
