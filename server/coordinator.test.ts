import { describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { fleetSuite } from '../test/suite';
import { rowsOf } from '@/db/rows';
import { sleep, spawnAgent, waitFor } from '../sim/fleet';
import { presence } from '@/lib/presence/presence';

const s = fleetSuite('coordinator-admin-pw-1');

const task = (departmentId: string, extra: Record<string, unknown> = {}) => ({
  title: 'test task',
  departmentId,
  type: 'test',
  priority: 'medium',
  ...extra,
});

describe('coordinator', () => {
  it('hands a task created over REST to a connected agent at once, and records the completion', async () => {
    const received: number[] = [];
    const agent = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'legal', specialization: 'contracts', capabilities: ['contract-review'] },
      async () => {
        received.push(Date.now());
        return { reviewed: true };
      },
    );
    s.clients.push(agent);
    const created = await s.api.call('POST', '/api/v1/tasks', task('legal', { requirements: { capabilities: ['contract-review'] } }));
    expect(created.status).toBe(201);
    // Assigned inside the create request: no polling interval stands between create and hand-out.
    expect(created.body.assignedAgentId).toBe(agent.agentId);
    expect(created.body.status).toBe('assigned');
    const done = await waitFor(async () => {
      const r = await s.api.call('GET', `/api/v1/tasks/${created.body.id}`);
      return r.body.status === 'completed' && r.body;
    });
    expect(received).toHaveLength(1);
    expect(done.result).toEqual({ reviewed: true });
    expect(done.events.map((e: { type: string }) => e.type)).toEqual(['created', 'assigned', 'started', 'completed']);
    const status = await s.api.call('GET', `/api/v1/agents/${agent.agentId}/status`);
    expect(status.body.metrics).toMatchObject({ completed: 1, failed: 0, successRate: 1 });
    expect(status.body.metrics.meanDurationMs).toBeGreaterThanOrEqual(0);
  });

  it('keeps a task pending until a fitting agent connects, then assigns it', async () => {
    const created = await s.api.call(
      'POST',
      '/api/v1/tasks',
      task('hr', { requirements: { specialization: 'recruiting', capabilities: { 'candidate-screening': true } } }),
    );
    expect(created.body.status).toBe('pending');
    const misfit = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'hr', specialization: 'benefits', capabilities: ['candidate-screening'] },
      async () => 'no',
    );
    s.clients.push(misfit);
    await sleep(300);
    expect((await s.api.call('GET', `/api/v1/tasks/${created.body.id}`)).body.status).toBe('pending');
    let gotAt = 0;
    const fit = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'hr', specialization: 'recruiting', capabilities: ['candidate-screening'] },
      async () => {
        gotAt = Date.now();
        await sleep(50);
        return 'screened';
      },
    );
    s.clients.push(fit);
    // Handed out when the fitting agent connects; latency is measured in bench/dispatch.ts.
    await waitFor(() => gotAt > 0, 30_000);
    const done = await waitFor(
      async () => (await s.api.call('GET', `/api/v1/tasks/${created.body.id}`)).body.status === 'completed',
      30_000,
    );
    expect(done).toBe(true);
  });

  it('counts any event from an agent as a sign of life, not only heart-beats', async () => {
    const agent = await spawnAgent(s.h.url, s.api, { departmentId: 'legal', specialization: 'contracts' }, async () => 'ok', {
      heartbeatMs: 3_600_000,
    });
    s.clients.push(agent);
    const entry = presence().get(agent.agentId)!;
    entry.lastBeat = 0; // as if its heart-beats had stopped long ago
    await agent.subscribe('liveness');
    expect(presence().get(agent.agentId)!.lastBeat).toBeGreaterThan(Date.now() - 5_000);
  });

  it('splits 100 tasks 50/50 between two fitting agents under round-robin', async () => {
    const counts = new Map<string, number>();
    const make = async () => {
      const c = await spawnAgent(s.h.url, s.api, { departmentId: 'research', specialization: 'ml', maxConcurrentTasks: 100 }, async () => {
        counts.set(c.agentId, (counts.get(c.agentId) ?? 0) + 1);
        return null;
      });
      s.clients.push(c);
      return c;
    };
    const [a, b] = [await make(), await make()];
    for (let i = 0; i < 100; i++) await s.api.call('POST', '/api/v1/tasks', task('research', { requirements: { specialization: 'ml' } }));
    await waitFor(() => (counts.get(a.agentId) ?? 0) + (counts.get(b.agentId) ?? 0) === 100, 20_000);
    expect(counts.get(a.agentId)).toBe(50);
    expect(counts.get(b.agentId)).toBe(50);
  });

  it('never overshoots a department limit under 50 concurrent allocations', async () => {
    await s.api.call('PATCH', '/api/v1/departments/finance', { maxAgents: 7 });
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        s.api.call('POST', '/api/v1/agents', { departmentId: 'finance', type: 'worker', specialization: 'audit' }),
      ),
    );
    expect(
      results.filter((r) => r.status === 201),
      JSON.stringify(results.find((r) => r.status !== 201 && r.status !== 409)),
    ).toHaveLength(7);
    const refused = results.filter((r) => r.status === 409);
    expect(refused).toHaveLength(43);
    expect(refused[0].body.detail).toMatch(/limit of 7 agents/);
    const [{ n }] = await s.t.db
      .execute<{ n: number }>(sql`select count(*)::int as n from agents where department_id = 'finance' and status <> 'retired'`)
      .then((r) => rowsOf<{ n: number }>(r));
    expect(n).toBe(7);
  });

  it('returns the task of a killed agent to pending and another agent completes it', async () => {
    let victimGot = '';
    const victim = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'it', specialization: 'support' },
      async (tk) => {
        victimGot = tk.id;
        await sleep(60_000);
      },
      { reconnect: false },
    );
    const created = await s.api.call('POST', '/api/v1/tasks', task('it', { requirements: { specialization: 'support' } }));
    await waitFor(() => victimGot === created.body.id);
    victim.socket.io.engine.close(); // the connection dies mid-task
    const rescuer = await spawnAgent(s.h.url, s.api, { departmentId: 'it', specialization: 'support' }, async () => 'rescued');
    s.clients.push(rescuer);
    const done = await waitFor(async () => {
      const r = await s.api.call('GET', `/api/v1/tasks/${created.body.id}`);
      return r.body.status === 'completed' && r.body;
    }, 10_000);
    expect(done.assignedAgentId).toBe(rescuer.agentId);
    expect(done.events.map((e: { type: string }) => e.type)).toContain('requeued');
  });
});
