import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { startHarness, type Harness } from '@/test/harness';
import { EcsClient } from './client';

const ADMIN_PASSWORD = 'quick-start-admin-password-1';
let t: TestDb;
let h: Harness;

beforeAll(async () => {
  t = await createTestDb({ adminPassword: ADMIN_PASSWORD });
  h = await startHarness({ loops: false });
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

/** The README's quick start, line for line (only the URL and the admin password are the test's). */
async function quickStart(baseUrl: string, adminPassword: string) {
  const ecs = new EcsClient({ baseUrl });
  await ecs.login('admin', adminPassword);

  await ecs.registerDepartmentCoordinator(
    'engineering',
    { password: 'Corr3ct-Horse-Battery-Staple!' },
    {
      maxAgents: 100,
      specializations: ['full-stack', 'backend', 'frontend', 'devops', 'testing'],
    },
  );
  const { agent, credentials } = await ecs.allocateAgentToDepartment('engineering', {
    type: 'development',
    specialization: 'full-stack',
    capabilities: { 'code-analysis': true, 'system-design': true },
    resources: ['compute', 'memory', 'storage'],
  });
  const task = await ecs.assignTask({
    title: 'Implement user authentication',
    department: 'engineering',
    type: 'development',
    priority: 'high',
    requirements: { specialization: 'backend', language: 'JavaScript' },
    estimatedDuration: 1800000,
  });
  const status = await ecs.getSystemStatus();
  console.log(`${status.totalAgents} agents, ${status.metrics.completedTasks} tasks completed`);

  const engineering = await ecs.getDepartmentStatus('engineering');
  if (await ecs.hasPermission('allocation:create', 'engineering')) await ecs.allocateResources(agent.id, { memory: 4 });
  await ecs.sendToDepartment('engineering', 'notice', { text: 'deploy at 5' });
  return { ecs, agent, credentials, task, status, engineering };
}

describe('the README quick start', () => {
  it('runs as written against a real server', async () => {
    const { ecs, agent, credentials, task, status, engineering } = await quickStart(h.url, ADMIN_PASSWORD);

    const coordinator = new EcsClient({ baseUrl: h.url });
    expect((await coordinator.login('engineering-coordinator', 'Corr3ct-Horse-Battery-Staple!')).user).toMatchObject({
      role: 'department-coordinator',
      departmentIds: ['engineering'],
    });
    expect((await ecs.departments.get('engineering')).maxAgents).toBe(100);

    expect(agent).toMatchObject({
      departmentId: 'engineering',
      type: 'development',
      specialization: 'full-stack',
      capabilities: { 'code-analysis': true, 'system-design': true },
    });
    // A list of kinds is the default grant of each: 1 vCPU, 2 GB of memory, 10 GB of storage.
    expect(agent.resources).toEqual({ compute: 1, memory: 2, storage: 10 });
    expect(credentials.secret.length).toBeGreaterThan(10);

    // `department` names the department; a requirement the product has no field for is a required capability.
    expect(task).toMatchObject({ departmentId: 'engineering', priority: 'high', estimatedDuration: 1800000, status: 'pending' });
    expect(task.requirements).toEqual({ specialization: 'backend', capabilities: { language: 'JavaScript' } });

    expect(status.totalAgents).toBeGreaterThanOrEqual(1);
    expect(status.metrics.completedTasks).toBe(0);
    expect(engineering.agents.total).toBeGreaterThanOrEqual(1);
    const pools = (await ecs.getDepartmentResources('engineering')).pools;
    expect(pools.find((p) => p.type === 'memory')!.allocated).toBe(2 + 4);
  });

  it('keeps the older call forms: a username with a capability list, departmentId, capabilities as a list', async () => {
    const ecs = new EcsClient({ baseUrl: h.url });
    await ecs.login('admin', ADMIN_PASSWORD);
    await ecs.registerDepartmentCoordinator('marketing', { username: 'mkt-lead', password: 'Corr3ct-Horse-Battery-Staple!' }, [
      'brand-voice',
    ]);
    expect((await ecs.departments.get('marketing')).capabilities).toContain('brand-voice');
    const { agent } = await ecs.allocateAgentToDepartment('marketing', {
      type: 'ai-agent',
      specialization: 'seo',
      capabilities: ['keyword-research'],
      resources: { communication: 2 },
    });
    expect(agent).toMatchObject({ capabilities: { 'keyword-research': true }, resources: { communication: 2 } });
    expect(await ecs.assignTask({ title: 'Audit the blog', departmentId: 'marketing', type: 'seo' })).toMatchObject({
      departmentId: 'marketing',
    });
  });

  it('answers 400 naming the field when neither department nor departmentId is given, or they disagree', async () => {
    const ecs = new EcsClient({ baseUrl: h.url });
    await ecs.login('admin', ADMIN_PASSWORD);
    const missing = await ecs.assignTask({ title: 'nowhere', type: 'x' }).catch((e) => e);
    expect(missing.status).toBe(400);
    expect(missing.problem.errors).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'departmentId' })]));
    const both = await ecs.assignTask({ title: 'two', type: 'x', department: 'sales', departmentId: 'hr' }).catch((e) => e);
    expect(both.status).toBe(400);
  });
});
