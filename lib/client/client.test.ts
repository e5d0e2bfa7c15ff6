import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { startHarness, type Harness } from '@/test/harness';
import { insertUser } from '@/db/queries/users';
import { hashPassword } from '@/lib/auth/password';
import { EcsClient } from './client';
import { EcsApiError } from './http';

const PASSWORD = 'client-admin-password-1';
let t: TestDb;
let h: Harness;

beforeAll(async () => {
  t = await createTestDb({ adminPassword: PASSWORD });
  h = await startHarness({ loops: false });
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

describe('typed REST client', () => {
  it('runs the quick start: login, allocate an agent, assign a task, read statuses', async () => {
    const ecs = new EcsClient({ baseUrl: h.url });
    const pair = await ecs.login('admin', PASSWORD);
    expect(pair.user.role).toBe('super-admin');

    const { agent, credentials } = await ecs.allocateAgentToDepartment('engineering', {
      type: 'worker',
      specialization: 'backend',
      capabilities: ['node'],
    });
    expect(agent.departmentId).toBe('engineering');
    expect(credentials.secret.length).toBeGreaterThan(10);

    const task = await ecs.assignTask({ title: 'ship it', departmentId: 'engineering', type: 'build', priority: 'high' });
    expect(task).toMatchObject({ title: 'ship it', priority: 'high' });
    expect((await ecs.tasks.get(task.id)).id).toBe(task.id);
    const batch = await ecs.tasks.createMany([
      { title: 'first', departmentId: 'engineering', type: 'build' },
      { title: '', departmentId: 'engineering', type: 'build' },
    ]);
    expect(batch).toMatchObject({
      created: 1,
      failed: 1,
      results: [
        { index: 0, status: 'pending' },
        { index: 1, error: { status: 400 } },
      ],
    });

    await ecs.registerDepartmentCoordinator('engineering', { username: 'eng-lead', password: 'Corr3ct-Horse-Battery-Staple!' }, [
      'code-review',
    ]);
    expect((await ecs.departments.get('engineering')).capabilities).toContain('code-review');
    const lead = new EcsClient({ baseUrl: h.url });
    expect((await lead.login('eng-lead', 'Corr3ct-Horse-Battery-Staple!')).user).toMatchObject({
      role: 'department-coordinator',
      departmentIds: ['engineering'],
    });
    expect(await ecs.audit.exportCsv({ action: 'task.*' })).toMatch(/^.*action/);

    const status = await ecs.getDepartmentStatus('engineering');
    expect(status.agents.total).toBeGreaterThanOrEqual(1);
    expect(await ecs.hasPermission('task:create', 'engineering')).toBe(true);
  });

  it("checks, allocates and releases resources by the design's names", async () => {
    const ecs = new EcsClient({ baseUrl: h.url });
    await ecs.login('admin', PASSWORD);
    const before = await ecs.getDepartmentResources('engineering');
    const compute = before.pools.find((p) => p.type === 'compute')!;
    expect(compute).toBeDefined();
    expect(await ecs.checkResourceAvailability('engineering', { compute: 1 })).toMatchObject({ available: true });
    expect((await ecs.checkResourceAvailability('engineering', { compute: 1_000_000 })).available).toBe(false);
    const { agent } = await ecs.allocateAgentToDepartment('engineering', { type: 'worker', specialization: 'backend' });
    const grant = await ecs.allocateResources(agent.id, { compute: 1 }, { priority: 'high' });
    expect(grant.id).toEqual(expect.any(String));
    const during = (await ecs.getDepartmentResources('engineering')).pools.find((p) => p.type === 'compute')!;
    expect(during.allocated).toBe(compute.allocated + 1);
    await ecs.releaseResources(grant.id);
    const after = (await ecs.getDepartmentResources('engineering')).pools.find((p) => p.type === 'compute')!;
    expect(after.allocated).toBe(compute.allocated);
  });

  it('follows cursors through every page', async () => {
    const ecs = new EcsClient({ baseUrl: h.url });
    await ecs.login('admin', PASSWORD);
    for (let i = 0; i < 7; i++) await ecs.tasks.create({ title: `page ${i}`, departmentId: 'hr', type: 'x' });
    const seen: string[] = [];
    for await (const task of ecs.paginate<{ title: string }>('/api/v1/tasks', { departmentId: 'hr', limit: 3 })) seen.push(task.title);
    expect(seen.filter((s) => s.startsWith('page ')).length).toBe(7);
    expect((await ecs.tasks.list({ departmentId: 'hr', limit: 3 })).nextCursor).toEqual(expect.any(String));
  });

  it('throws the problem, with field errors, for a rejected request', async () => {
    const ecs = new EcsClient({ baseUrl: h.url });
    await ecs.login('admin', PASSWORD);
    const err = await ecs.assignTask({ title: '', departmentId: 'engineering', type: 'x' }).catch((e) => e);
    expect(err).toBeInstanceOf(EcsApiError);
    expect(err.status).toBe(400);
    expect(err.problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'title' })]));
  });

  it('refreshToken rotates the pair; a 401 with a refresh token refreshes and retries once', async () => {
    const rotated: string[] = [];
    const ecs = new EcsClient({ baseUrl: h.url, onTokens: (p) => rotated.push(p.accessToken) });
    const first = await ecs.login('admin', PASSWORD);
    const second = await ecs.refreshToken();
    expect(second.refreshToken).not.toBe(first.refreshToken);
    // A garbage access token with a good refresh token: the client recovers on its own.
    ecs.token = 'garbage-token-that-fails-1234';
    expect((await ecs.whoami()).username).toBe('admin');
    expect(rotated.length).toBe(2);
  });

  it('hasPermission honours the role and, for scoped roles, the department', async () => {
    await insertUser(t.db, {
      username: 'coord-sales',
      passwordHash: await hashPassword('coord-sales-password-1'),
      role: 'department-coordinator',
      departmentIds: ['sales'],
    });
    const ecs = new EcsClient({ baseUrl: h.url });
    await ecs.login('coord-sales', 'coord-sales-password-1');
    expect(await ecs.hasPermission('agent:create', 'sales')).toBe(true);
    expect(await ecs.hasPermission('agent:create', 'engineering')).toBe(false);
    expect(await ecs.hasPermission('user:delete')).toBe(false);
  });
});
