import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { asc, eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { losingNextAnswer } from '@/test/lossy';
import { agents, taskEvents, tasks } from '@/db/schema/work';
import { makeAgent } from '../../test/resource-fixtures';
import { presence } from '../presence/presence';
import { onDomain } from '../live';
import type { Principal } from '../permissions/rbac';
import { createTaskSchema } from './schemas';
import { createTask } from './service';

const admin: Principal = { kind: 'user', id: 'test-admin', name: 'test admin', role: 'super-admin', departmentIds: [], permissions: ['*'] };
const input = (title: string) => createTaskSchema.parse({ title, departmentId: 'legal', type: 'review' });

describe('createTask hands out in the same statement', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  async function connectedAgent(active = 0) {
    const agent = await makeAgent(t.db, 'legal');
    await t.db.update(agents).set({ maxConcurrentTasks: 2, activeTasks: active }).where(eq(agents.id, agent.id));
    presence().connect({
      id: agent.id,
      departmentId: 'legal',
      specialization: 'general',
      capabilities: {},
      activeTasks: 0,
      maxConcurrentTasks: 2,
      weight: 1,
      score: 1,
    });
    return agent;
  }

  it('is born assigned to a free agent, with its events in order, and the agent is told', async () => {
    const agent = await connectedAgent();
    const told: string[] = [];
    const off = onDomain('task:assigned', ({ taskId, agentId }) => agentId === agent.id && told.push(taskId));
    try {
      const task = await createTask(t.db, admin, input('born assigned'));
      expect(task.status).toBe('assigned');
      expect(task.assignedAgentId).toBe(agent.id);
      expect(task.leaseExpiresAt).not.toBeNull();
      expect(task.attempts).toBe(1);
      expect(told).toEqual([task.id]);
      const events = await t.db.select().from(taskEvents).where(eq(taskEvents.taskId, task.id)).orderBy(asc(taskEvents.id));
      expect(events.map((e) => e.type)).toEqual(['created', 'assigned']);
      const [a] = await t.db.select().from(agents).where(eq(agents.id, agent.id));
      expect(a.activeTasks).toBe(1);
      expect(a.status).toBe('busy');
      expect(presence().get(agent.id)?.activeTasks).toBe(1);
    } finally {
      off();
      presence().remove(agent.id);
    }
  });

  it('is born pending when memory thought a slot free that Postgres knows is taken, and memory is corrected', async () => {
    const agent = await connectedAgent(2); // full in Postgres, free in memory
    try {
      const task = await createTask(t.db, admin, input('stale memory'));
      expect(task.status).toBe('pending');
      const [row] = await t.db.select().from(tasks).where(eq(tasks.id, task.id));
      expect(row.assignedAgentId).toBeNull();
      const [a] = await t.db.select().from(agents).where(eq(agents.id, agent.id));
      expect(a.activeTasks).toBe(2);
      expect(presence().get(agent.id)?.activeTasks).toBe(2);
      await t.db.update(tasks).set({ status: 'cancelled' }).where(eq(tasks.id, task.id));
    } finally {
      presence().remove(agent.id);
    }
  });

  it('still tells the agent when the statement committed but its answer was lost', async () => {
    const agent = await connectedAgent();
    const told: string[] = [];
    const off = onDomain('task:assigned', ({ taskId, agentId }) => agentId === agent.id && told.push(taskId));
    try {
      await expect(createTask(losingNextAnswer(t.db), admin, input('answer lost'))).rejects.toThrow('connection lost after commit');
      const rows = await t.db.select().from(tasks).where(eq(tasks.title, 'answer lost'));
      expect(rows.map((r) => [r.status, r.assignedAgentId])).toEqual([['assigned', agent.id]]);
      expect(told).toEqual([rows[0].id]);
    } finally {
      off();
      presence().remove(agent.id);
    }
  });
});
