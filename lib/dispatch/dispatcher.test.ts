import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { losingNextAnswer } from '@/test/lossy';
import { agents, tasks } from '@/db/schema/work';
import { makeAgent, makeTask } from '../../test/resource-fixtures';
import { presence } from '../presence/presence';
import { onDomain } from '../live';
import { dispatchDepartment, offerFromPeer } from './dispatcher';

describe('dispatcher', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('tells agents of tasks a batch assigned even when the statement answer was lost', async () => {
    const agent = await makeAgent(t.db, 'legal');
    await t.db.update(agents).set({ maxConcurrentTasks: 4, specialization: 'contracts' }).where(eq(agents.id, agent.id));
    const queued = [await makeTask(t.db, 'legal'), await makeTask(t.db, 'legal')];
    presence().connect({
      id: agent.id,
      departmentId: 'legal',
      specialization: 'contracts',
      capabilities: {},
      activeTasks: 0,
      maxConcurrentTasks: 4,
      weight: 1,
      score: 1,
    });
    const told: string[] = [];
    const off = onDomain('task:assigned', ({ taskId, agentId }) => agentId === agent.id && told.push(taskId));
    try {
      await expect(dispatchDepartment(losingNextAnswer(t.db), 'legal')).rejects.toThrow('connection lost after commit');
      const rows = await t.db.select().from(tasks).where(eq(tasks.assignedAgentId, agent.id));
      expect(rows.map((r) => r.status)).toEqual(['assigned', 'assigned']);
      expect(told.sort()).toEqual(queued.map((q) => q.id).sort());
    } finally {
      off();
      presence().remove(agent.id);
    }
  });

  it("hands out new tasks another process announced to this process's free agents, and leaves the rest pending", async () => {
    const agent = await makeAgent(t.db, 'hr');
    await t.db.update(agents).set({ maxConcurrentTasks: 1 }).where(eq(agents.id, agent.id));
    const offered = [await makeTask(t.db, 'hr'), await makeTask(t.db, 'hr')];
    presence().connect({
      id: agent.id,
      departmentId: 'hr',
      specialization: agent.specialization,
      capabilities: {},
      activeTasks: 0,
      maxConcurrentTasks: 1,
      weight: 1,
      score: 1,
    });
    const told: string[] = [];
    const off = onDomain('task:assigned', ({ taskId, agentId }) => agentId === agent.id && told.push(taskId));
    try {
      await offerFromPeer(t.db, 'hr', offered);
      const rows = await t.db.select().from(tasks).where(eq(tasks.departmentId, 'hr'));
      const status = new Map(rows.map((r) => [r.id, r.status]));
      // One slot: the first is handed out, the second waits for it.
      expect([status.get(offered[0].id), status.get(offered[1].id)]).toEqual(['assigned', 'pending']);
      expect(told).toEqual([offered[0].id]);
      expect(presence().get(agent.id)?.activeTasks).toBe(1);
    } finally {
      off();
      presence().remove(agent.id);
    }
  });
});
