import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/db/testing/test-db';
import { resetEnvCache } from '@/lib/env';
import type { AgentClient } from '@/lib/agent-sdk/client';
import { startHarness, type Harness } from './testing/harness';
import { apiAs, sleep, spawnAgent, waitFor, type ApiClient } from './sim/fleet';

let t: TestDb;
let h: Harness;
let api: ApiClient;
const clients: AgentClient[] = [];

beforeAll(async () => {
  // Short heart-beats so a lost agent is noticed in under a second.
  process.env.HEARTBEAT_INTERVAL = '200';
  resetEnvCache();
  t = await createTestDb({ adminPassword: 'coordinator-admin-pw-1' });
  h = await startHarness();
  api = await apiAs(h.url, 'admin', 'coordinator-admin-pw-1');
});

afterAll(async () => {
  clients.forEach((c) => c.stop());
  await h.close();
  await t.drop();
  delete process.env.HEARTBEAT_INTERVAL;
  resetEnvCache();
});

const task = (departmentId: string, extra: Record<string, unknown> = {}) => ({ title: 'test task', departmentId, type: 'test', priority: 'medium', ...extra });

describe('coordinator', () => {
  it('hands a task created over REST to a connected agent at once, and records the completion', async () => {
    const received: number[] = [];
    const agent = await spawnAgent(h.url, api, { departmentId: 'legal', specialization: 'contracts', capabilities: ['contract-review'] }, async () => {
      received.push(Date.now());
      return { reviewed: true };
    });
    clients.push(agent);
    const sentAt = Date.now();
    const created = await api.call('POST', '/api/v1/tasks', task('legal', { requirements: { capabilities: ['contract-review'] } }));
    expect(created.status).toBe(201);
    // Assigned inside the create request: no polling interval stands between create and hand-out.
    expect(created.body.assignedAgentId).toBe(agent.agentId);
    expect(created.body.status).toBe('assigned');
    const done = await waitFor(async () => {
      const r = await api.call('GET', `/api/v1/tasks/${created.body.id}`);
      return r.body.status === 'completed' && r.body;
    });
    expect(received[0] - sentAt).toBeLessThan(2000);
    expect(done.result).toEqual({ reviewed: true });
    expect(done.events.map((e: { type: string }) => e.type)).toEqual(['created', 'assigned', 'started', 'completed']);
    const status = await api.call('GET', `/api/v1/agents/${agent.agentId}/status`);
    expect(status.body.metrics).toMatchObject({ completed: 1, failed: 0, successRate: 1 });
    expect(status.body.metrics.meanDurationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps a task pending until a fitting agent connects, then assigns it', async () => {
    const created = await api.call('POST', '/api/v1/tasks', task('hr', { requirements: { specialization: 'recruiting', capabilities: { 'candidate-screening': true } } }));
    expect(created.body.status).toBe('pending');
    const misfit = await spawnAgent(h.url, api, { departmentId: 'hr', specialization: 'benefits', capabilities: ['candidate-screening'] }, async () => 'no');
    clients.push(misfit);
    await sleep(300);
    expect((await api.call('GET', `/api/v1/tasks/${created.body.id}`)).body.status).toBe('pending');
    let gotAt = 0;
    const fit = await spawnAgent(h.url, api, { departmentId: 'hr', specialization: 'recruiting', capabilities: ['candidate-screening'] }, async () => {
      gotAt = Date.now();
      await sleep(50);
      return 'screened';
    });
    const connectedAt = Date.now();
    clients.push(fit);
    await waitFor(() => gotAt > 0, 5000);
    expect(gotAt - connectedAt).toBeLessThan(1000);
    const done = await waitFor(async () => (await api.call('GET', `/api/v1/tasks/${created.body.id}`)).body.status === 'completed', 5000);
    expect(done).toBe(true);
  });

  it('splits 100 tasks 50/50 between two fitting agents under round-robin', async () => {
    const counts = new Map<string, number>();
    const make = async () => {
      const c = await spawnAgent(h.url, api, { departmentId: 'research', specialization: 'ml', maxConcurrentTasks: 100 }, async () => {
        counts.set(c.agentId, (counts.get(c.agentId) ?? 0) + 1);
        return null;
      });
      clients.push(c);
      return c;
    };
    const [a, b] = [await make(), await make()];
    for (let i = 0; i < 100; i++) await api.call('POST', '/api/v1/tasks', task('research', { requirements: { specialization: 'ml' } }));
    await waitFor(() => (counts.get(a.agentId) ?? 0) + (counts.get(b.agentId) ?? 0) === 100, 20_000);
    expect(counts.get(a.agentId)).toBe(50);
    expect(counts.get(b.agentId)).toBe(50);
  });

  it('never overshoots a department limit under 50 concurrent allocations', async () => {
    await api.call('PATCH', '/api/v1/departments/finance', { maxAgents: 7 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () => api.call('POST', '/api/v1/agents', { departmentId: 'finance', type: 'worker', specialization: 'audit' })),
    );
    expect(results.filter((r) => r.status === 201), JSON.stringify(results.find((r) => r.status !== 201 && r.status !== 409))).toHaveLength(7);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(43);
    expect(refused[0].body.detail).toMatch(/limit of 7 agents/);
    const [{ n }] = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from agents where department_id = 'finance' and status <> 'retired'`).then((r) => rows<{ n: number }>(r));
    expect(n).toBe(7);
  });

  it('returns the task of a killed agent to pending and another agent completes it', async () => {
    let victimGot = '';
    const victim = await spawnAgent(h.url, api, { departmentId: 'it', specialization: 'support' }, async (tk) => {
      victimGot = tk.id;
      await sleep(60_000);
    }, { reconnect: false });
    const created = await api.call('POST', '/api/v1/tasks', task('it', { requirements: { specialization: 'support' } }));
    await waitFor(() => victimGot === created.body.id);
    victim.socket.io.engine.close(); // the connection dies mid-task
    const rescuer = await spawnAgent(h.url, api, { departmentId: 'it', specialization: 'support' }, async () => 'rescued');
    clients.push(rescuer);
    const done = await waitFor(async () => {
      const r = await api.call('GET', `/api/v1/tasks/${created.body.id}`);
      return r.body.status === 'completed' && r.body;
    }, 10_000);
    expect(done.assignedAgentId).toBe(rescuer.agentId);
    expect(done.events.map((e: { type: string }) => e.type)).toContain('requeued');
  });
});

function rows<T>(r: unknown): T[] {
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}
