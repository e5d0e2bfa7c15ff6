import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import type { TestDb } from '@/test/test-db';
import { testDbWithAdmin } from '@/test/admin';
import { params, request } from '@/test/http';
import { principalOf } from '@/test/principals';
import { agents, tasks } from '@/db/schema/work';
import { resetEnvCache } from '@/lib/env';
import { createTask } from '@/lib/tasks/service';
import { createTaskSchema } from '@/lib/tasks/schemas';
import { archiveDepartment, createDepartment } from '@/lib/departments/service';
import { POST as createPOST } from './route';
import { GET as oneGET } from './[id]/route';
import { POST as archivePOST } from './[id]/archive/route';
import { POST as unarchivePOST } from './[id]/unarchive/route';
import { POST as taskPOST } from '../tasks/route';
import { POST as agentPOST } from '../agents/route';

let t: TestDb;
let token: string;
const admin = principalOf('super-admin');
beforeAll(async () => {
  // Room for the ten seeded departments and two more.
  process.env.MAX_DEPARTMENTS = '12';
  resetEnvCache();
  ({ t, token } = await testDbWithAdmin());
});
afterAll(async () => {
  delete process.env.MAX_DEPARTMENTS;
  resetEnvCache();
  await t.drop();
});

const post = (handler: typeof archivePOST, path: string, id: string, body?: unknown) =>
  handler(request('POST', path.replace('[id]', id), { token, body }), params({ id }));
const newDepartment = async (id: string) => {
  const res = await createPOST(request('POST', '/api/v1/departments', { token, body: { id, name: id, specializations: ['general'] } }));
  return res;
};
const runningTask = async (departmentId: string) => {
  const [agent] = await t.db
    .insert(agents)
    .values({
      departmentId,
      name: `${departmentId}-worker`,
      type: 'worker',
      specialization: 'general',
      secretHash: 'x',
      status: 'busy',
      activeTasks: 1,
    })
    .returning();
  const [task] = await t.db
    .insert(tasks)
    .values({
      title: 'in flight',
      departmentId,
      type: 'x',
      priority: 'medium',
      priorityRank: 2,
      status: 'running',
      assignedAgentId: agent.id,
      assignedAt: new Date(),
      startedAt: new Date(),
      leaseExpiresAt: new Date(Date.now() + 600_000),
    })
    .returning();
  return { agent, task };
};

describe('archiving departments', () => {
  it('refuses while tasks run, cancels them with force, keeps the history, and takes no new agents or tasks', async () => {
    expect((await newDepartment('retiring')).status).toBe(201);
    const { agent, task } = await runningTask('retiring');

    const refused = await post(archivePOST, '/api/v1/departments/[id]/archive', 'retiring', {});
    expect(refused.status).toBe(409);
    expect(refused.headers.get('content-type')).toBe('application/problem+json');
    expect((await refused.json()).detail).toMatch(/1 unfinished task/);

    const archived = await post(archivePOST, '/api/v1/departments/[id]/archive', 'retiring', { force: true });
    expect(archived.status).toBe(200);
    expect((await archived.json()).archivedAt).toEqual(expect.any(String));
    const [cancelled] = await t.db.select().from(tasks).where(eq(tasks.id, task.id));
    expect(cancelled.status).toBe('cancelled');
    const [retired] = await t.db.select().from(agents).where(eq(agents.id, agent.id));
    expect(retired.status).toBe('retired');
    expect((await oneGET(request('GET', '/api/v1/departments/retiring', { token }), params({ id: 'retiring' }))).status).toBe(200);

    for (const res of [
      await taskPOST(request('POST', '/api/v1/tasks', { token, body: { title: 'late', departmentId: 'retiring', type: 'x' } })),
      await agentPOST(
        request('POST', '/api/v1/agents', { token, body: { departmentId: 'retiring', type: 'worker', specialization: 'general' } }),
      ),
    ]) {
      expect(res.status).toBe(409);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect((await res.json()).detail).toMatch(/archived/);
    }

    expect((await post(unarchivePOST, '/api/v1/departments/[id]/unarchive', 'retiring')).status).toBe(200);
    expect(
      (await taskPOST(request('POST', '/api/v1/tasks', { token, body: { title: 'back', departmentId: 'retiring', type: 'x' } }))).status,
    ).toBe(201);
  });

  it('an archived department frees its place under MAX_DEPARTMENTS; un-archiving needs one', async () => {
    // 10 seeded + 'retiring' = 11 of 12.
    expect((await newDepartment('twelfth')).status).toBe(201);
    expect((await newDepartment('thirteenth')).status).toBe(409);
    expect((await post(archivePOST, '/api/v1/departments/[id]/archive', 'twelfth', {})).status).toBe(200);
    expect((await newDepartment('thirteenth')).status).toBe(201);
    const full = await post(unarchivePOST, '/api/v1/departments/[id]/unarchive', 'twelfth');
    expect(full.status).toBe(409);
    expect((await full.json()).detail).toMatch(/MAX_DEPARTMENTS/);
  });

  it('a process whose cache has not seen the archive yet still cannot add a task or an agent to it', async () => {
    process.env.MAX_DEPARTMENTS = '100';
    resetEnvCache();
    await createDepartment(t.db, admin, {
      id: 'stale',
      name: 'stale',
      description: '',
      specializations: ['general'],
      capabilities: [],
      resourceTypes: [],
      status: 'active',
      collaboratesWith: [],
    });
    // This process reads (and caches) the department as active...
    const warm = await createTask(t.db, admin, createTaskSchema.parse({ title: 'warm', departmentId: 'stale', type: 'x' }));
    await t.db.execute(sql`update tasks set status = 'cancelled' where id = ${warm.id}`);
    // ...while another process archives it.
    await t.db.execute(sql`update departments set archived_at = now() where id = 'stale'`);
    const late = await taskPOST(request('POST', '/api/v1/tasks', { token, body: { title: 'late', departmentId: 'stale', type: 'x' } }));
    expect(late.status).toBe(409);
    expect((await late.json()).detail).toMatch(/archived/);
    const [{ n }] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(tasks)
      .where(sql`department_id = 'stale' and status = 'pending'`);
    expect(n).toBe(0);
  });

  it('tasks created while the department is being archived never stay unfinished in it', async () => {
    process.env.MAX_DEPARTMENTS = '100';
    resetEnvCache();
    for (let round = 0; round < 5; round++) {
      const id = `racing-${round}`;
      await createDepartment(t.db, admin, {
        id,
        name: id,
        description: '',
        specializations: [],
        capabilities: [],
        resourceTypes: [],
        status: 'active',
        collaboratesWith: [],
      });
      const creates = Array.from({ length: 10 }, (_, i) =>
        createTask(t.db, admin, createTaskSchema.parse({ title: `r${i}`, departmentId: id, type: 'x' })).catch((e) => e),
      );
      const archive = archiveDepartment(t.db, admin, id).catch((e) => e);
      const [outcome] = await Promise.all([archive, ...creates]);
      const [{ n }] = await t.db
        .select({ n: sql<number>`count(*)::int` })
        .from(tasks)
        .where(sql`department_id = ${id} and status in ('pending', 'assigned', 'running')`);
      // Either the archive lost (refused because tasks arrived first) or no task is left in an archived department.
      if (outcome && 'archivedAt' in outcome) expect(n).toBe(0);
      else expect(outcome.status).toBe(409);
      // Make room for the next round.
      await t.db.execute(sql`update tasks set status = 'cancelled' where department_id = ${id} and status = 'pending'`);
      await archiveDepartment(t.db, admin, id);
    }
  });
});
