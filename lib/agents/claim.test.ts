import { describe, expect, it } from 'vitest';
import { fleetSuite } from '@/test/suite';
import { bearerClient, sleep, spawnAgent, waitFor, type ApiClient } from '@/sim/fleet';
import { DEFAULT_LEASE_MS } from '../lifecycle/lease';

// Heart-beats of 1 s: an agent silent for 3 s is lost, short enough to wait for, long enough for a
// busy machine to answer a claim and send the next.
const s = fleetSuite('claim-admin-password-1', { heartbeatMs: 1000 });

type Claimed = { id: string; status: string; priority: string; assignedAgentId: string; assignedAt: string; leaseExpiresAt: string };

/** An agent that only speaks REST: allocated by the admin, signed in with its own secret. */
async function restAgent(spec: Record<string, unknown>): Promise<{ id: string; api: ApiClient }> {
  const made = await s.api.call('POST', '/api/v1/agents', { type: 'worker', ...spec });
  expect(made.status).toBe(201);
  const { agentId, secret } = made.body.credentials;
  const token = await s.api.call('POST', `/api/v1/agents/${agentId}/token`, { secret });
  return { id: agentId, api: bearerClient(s.h.url, token.body.accessToken) };
}

const claim = async (a: { id: string; api: ApiClient }, body: Record<string, unknown> = {}) => {
  const res = await a.api.call('POST', `/api/v1/agents/${a.id}/claim`, body);
  expect(res.status).toBe(200);
  return res.body.tasks as Claimed[];
};
const createTask = async (body: Record<string, unknown>) => (await s.api.call('POST', '/api/v1/tasks', { type: 'poll', ...body })).body;

describe('agents that poll for work', () => {
  it('a REST-only agent claims the most urgent fitting task, with its lease and resources, and reads its own status', async () => {
    const low = await createTask({ title: 'low', departmentId: 'legal', priority: 'low' });
    const urgent = await createTask({
      title: 'urgent',
      departmentId: 'legal',
      priority: 'critical',
      timeout: 45_000,
      requirements: { resources: { storage: 3 } },
    });
    const waiting = await s.api.call('GET', `/api/v1/tasks/${urgent.id}`);
    expect(waiting.body.waiting.reasons.map((r: { code: string }) => r.code)).toContain('no-agent-online');

    const agent = await restAgent({ departmentId: 'legal', specialization: 'contracts', maxConcurrentTasks: 1 });
    const before = (await s.api.call('GET', '/api/v1/departments/legal/resources')).body.pools.find(
      (p: { type: string }) => p.type === 'storage',
    ).allocated;
    const [got, ...more] = await claim(agent, { max: 5 });
    expect(more).toEqual([]); // one slot: the other task waits for it
    expect(got).toMatchObject({ id: urgent.id, status: 'assigned', assignedAgentId: agent.id });
    // The same lease as a socket hand-out: it tells a lost agent from a slow one, whatever the timeout.
    expect(Date.parse(got.leaseExpiresAt) - Date.parse(got.assignedAt)).toBeGreaterThanOrEqual(DEFAULT_LEASE_MS - 1000);
    expect(Date.parse(got.leaseExpiresAt) - Date.parse(got.assignedAt)).toBeLessThanOrEqual(DEFAULT_LEASE_MS + 1000);
    const during = (await s.api.call('GET', '/api/v1/departments/legal/resources')).body.pools.find(
      (p: { type: string }) => p.type === 'storage',
    ).allocated;
    expect(during).toBe(before + 3);

    // Not acknowledged yet: the next claim answers it again (a lost answer loses no task).
    expect((await claim(agent)).map((t) => t.id)).toEqual([urgent.id]);
    expect((await agent.api.call('POST', `/api/v1/tasks/${urgent.id}/progress`, { progress: 0.1 })).status).toBe(200);
    expect(await claim(agent)).toEqual([]);

    const own = await agent.api.call('GET', `/api/v1/agents/${agent.id}/status`);
    expect(own.status).toBe(200);
    expect(own.body).toMatchObject({ id: agent.id, connected: true, connection: 'polling', state: 'busy' });
    expect(own.body.currentTasks.map((t: { id: string }) => t.id)).toEqual([urgent.id]);
    expect((await s.api.call('GET', `/api/v1/agents/${agent.id}`)).body).toMatchObject({ connected: true, connection: 'polling' });

    expect((await agent.api.call('POST', `/api/v1/tasks/${urgent.id}/complete`, { result: { ok: true } })).status).toBe(200);
    expect((await claim(agent)).map((t) => t.id)).toEqual([low.id]);
  });

  it('a long poll answers as soon as a task for the agent is created', async () => {
    const agent = await restAgent({ departmentId: 'hr', specialization: 'recruiting' });
    const started = Date.now();
    const pending = claim(agent, { waitMs: 25_000 });
    await waitFor(async () => (await s.api.call('GET', `/api/v1/agents/${agent.id}`)).body.connection === 'polling');
    const task = await createTask({ title: 'screen', departmentId: 'hr' });
    const tasks = await pending;
    expect(tasks.map((t) => t.id)).toEqual([task.id]);
    // Well before the wait ran out: the hand-out woke the claim.
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it('an open long poll keeps the agent online past three heart-beats; without polls it goes offline and its tasks move on', async () => {
    const agent = await restAgent({ departmentId: 'it', specialization: 'support', maxConcurrentTasks: 2 });
    const task = await createTask({ title: 'reset password', departmentId: 'it' });
    expect((await claim(agent)).map((t) => t.id)).toEqual([task.id]);
    expect((await agent.api.call('POST', `/api/v1/tasks/${task.id}/progress`, {})).status).toBe(200);
    // A claim open for 4.5 s outlives three heart-beat intervals and more.
    const open = claim(agent, { waitMs: 25_000 });
    await sleep(4500);
    expect((await s.api.call('GET', `/api/v1/agents/${agent.id}`)).body.connection).toBe('polling');
    const second = await createTask({ title: 'unlock account', departmentId: 'it' });
    expect((await open).map((t) => t.id)).toEqual([second.id]);
    const gone = await waitFor(async () => {
      const a = (await s.api.call('GET', `/api/v1/agents/${agent.id}`)).body;
      return a.status === 'offline' && a;
    });
    expect(gone.connected).toBe(false);
    // Marked offline first, then its tasks go back to the queue.
    for (const id of [task.id, second.id])
      await waitFor(async () => (await s.api.call('GET', `/api/v1/tasks/${id}`)).body.status === 'pending');
  });

  it('parallel claims by two polling agents never get the same task', async () => {
    const a = await restAgent({ departmentId: 'finance', specialization: 'audit', maxConcurrentTasks: 40 });
    const b = await restAgent({ departmentId: 'finance', specialization: 'audit', maxConcurrentTasks: 40 });
    const ids = new Set<string>();
    for (let i = 0; i < 60; i++)
      ids.add((await createTask({ title: `ledger ${i}`, departmentId: 'finance', requirements: { specialization: 'audit' } })).id);
    const answers = await Promise.all(
      [a, b, a, b, a, b, a, b].map(async (agent) => ({ agent: agent.id, tasks: await claim(agent, { max: 50 }) })),
    );
    const owner = new Map<string, string>();
    for (const { agent, tasks } of answers) {
      for (const t of tasks) {
        expect(t.assignedAgentId).toBe(agent);
        // A task answered to one agent is never answered to the other.
        expect(owner.get(t.id) ?? agent).toBe(agent);
        owner.set(t.id, agent);
      }
    }
    expect([...owner.keys()].every((id) => ids.has(id))).toBe(true);
    expect(owner.size).toBe(60);
    const held = async (id: string) => (await s.api.call('GET', `/api/v1/agents/${id}/status`)).body.currentTasks.length;
    expect((await held(a.id)) + (await held(b.id))).toBe(60);
  });

  it("an SDK agent with transport 'poll' runs and completes its tasks over REST", async () => {
    const done: string[] = [];
    const agent = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'operations', specialization: 'logistics', maxConcurrentTasks: 3 },
      async (task, ctx) => {
        await ctx.progress(0.5);
        done.push(task.id);
        return { shipped: task.title };
      },
      { transport: 'poll', pollWaitMs: 1000 },
    );
    s.clients.push(agent);
    expect((await s.api.call('GET', `/api/v1/agents/${agent.agentId}`)).body.connection).toBe('polling');
    const ids = [];
    for (let i = 0; i < 6; i++) ids.push((await createTask({ title: `crate ${i}`, departmentId: 'operations' })).id);
    for (const id of ids) {
      const finished = await waitFor(async () => {
        const tk = (await s.api.call('GET', `/api/v1/tasks/${id}`)).body;
        return tk.status === 'completed' && tk;
      });
      expect(finished.result).toEqual({ shipped: finished.title });
      expect(finished.events.map((e: { type: string }) => e.type)).toEqual(expect.arrayContaining(['assigned', 'started', 'completed']));
    }
    expect(agent.completed).toBeGreaterThanOrEqual(6);
    agent.stop();
  });
});
