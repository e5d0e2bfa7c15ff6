import { describe, expect, it } from 'vitest';
import { PermanentTaskError } from '@/lib/agent-sdk/client';
import { fleetSuite } from '../test/suite';
import { bearerClient, sleep, spawnAgent, waitFor } from '../sim/fleet';

const s = fleetSuite('lifecycle-admin-pw-1');

const getTask = async (id: string) => (await s.api.call('GET', `/api/v1/tasks/${id}`)).body;

describe('task lifecycle', () => {
  it('retries a failing task with backoff, then dead-letters it; retry brings it back', async () => {
    const agent = await spawnAgent(s.h.url, s.api, { departmentId: 'sales', specialization: 'sales-ops' }, async () => {
      throw new Error('crm unreachable');
    });
    s.clients.push(agent);
    const created = await s.api.call('POST', '/api/v1/tasks', { title: 'sync crm', departmentId: 'sales', type: 'sync', maxAttempts: 2 });
    const dead = await waitFor(async () => {
      const tk = await getTask(created.body.id);
      return tk.status === 'dead' && tk;
    }, 10_000);
    expect(dead.attempts).toBe(2);
    expect(dead.error).toBe('crm unreachable');
    expect(dead.events.map((e: { type: string }) => e.type)).toEqual([
      'created',
      'assigned',
      'started',
      'retry-scheduled',
      'assigned',
      'started',
      'dead',
    ]);
    const deadList = await s.api.call('GET', '/api/v1/tasks?status=dead&departmentId=sales');
    expect(deadList.body.items.map((x: { id: string }) => x.id)).toContain(created.body.id);
    agent.stop();
    const retried = await s.api.call('POST', `/api/v1/tasks/${created.body.id}/retry`);
    expect(retried.body).toMatchObject({ status: 'pending', attempts: 0 });
    const cancelled = await s.api.call('POST', `/api/v1/tasks/${created.body.id}/cancel`);
    expect(cancelled.body.status).toBe('cancelled');
    expect((await s.api.call('POST', `/api/v1/tasks/${created.body.id}/cancel`)).status).toBe(409);
  });

  it('ends a non-retryable failure as failed at once', async () => {
    const agent = await spawnAgent(s.h.url, s.api, { departmentId: 'sales', specialization: 'account-management' }, async () => {
      throw new PermanentTaskError('account closed');
    });
    s.clients.push(agent);
    const created = await s.api.call('POST', '/api/v1/tasks', {
      title: 'renew',
      departmentId: 'sales',
      type: 'renew',
      requirements: { specialization: 'account-management' },
    });
    const failed = await waitFor(async () => {
      const tk = await getTask(created.body.id);
      return tk.status === 'failed' && tk;
    });
    expect(failed.attempts).toBe(1);
    agent.stop();
  });

  it('holds a task until its dependencies complete', async () => {
    const order: string[] = [];
    const agent = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'analytics', specialization: 'bi', maxConcurrentTasks: 5 },
      async (tk) => {
        order.push(tk.title);
        await sleep(100);
        return null;
      },
    );
    s.clients.push(agent);
    const first = await s.api.call('POST', '/api/v1/tasks', { title: 'extract', departmentId: 'analytics', type: 'etl' });
    const second = await s.api.call('POST', '/api/v1/tasks', {
      title: 'report',
      departmentId: 'analytics',
      type: 'etl',
      dependsOn: [first.body.id],
    });
    expect(second.body.status).toBe('pending');
    await waitFor(async () => (await getTask(second.body.id)).status === 'completed', 30_000);
    expect(order).toEqual(['extract', 'report']);
    const bad = await s.api.call('POST', '/api/v1/tasks', {
      title: 'x',
      departmentId: 'analytics',
      type: 'etl',
      dependsOn: ['00000000-0000-4000-8000-000000000000'],
    });
    expect(bad.status).toBe(422);
  });

  it('counts a duplicate completion once and refuses other agents over REST', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const agent = await spawnAgent(s.h.url, s.api, { departmentId: 'operations', specialization: 'logistics' }, async () => {
      await gate;
      return 'shipped';
    });
    s.clients.push(agent);
    const created = await s.api.call('POST', '/api/v1/tasks', { title: 'ship', departmentId: 'operations', type: 'ship' });
    await waitFor(async () => (await getTask(created.body.id)).status === 'running');
    const tokenRes = await fetch(`${s.h.url}/api/v1/agents/${agent.agentId}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"secret":"wrong-secret-value"}',
    });
    expect(tokenRes.status).toBe(401);
    const other = (await s.api.call('POST', '/api/v1/agents', { departmentId: 'operations', type: 'w', specialization: 'logistics' })).body;
    const otherToken = (
      await (
        await fetch(`${s.h.url}/api/v1/agents/${other.credentials.agentId}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ secret: other.credentials.secret }),
        })
      ).json()
    ).accessToken;
    const otherApi = bearerClient(s.h.url, otherToken);
    expect((await otherApi.call('POST', `/api/v1/tasks/${created.body.id}/complete`, { result: 'stolen' })).status).toBe(404);
    release();
    await waitFor(async () => (await getTask(created.body.id)).status === 'completed');
    const again = await agent.emit('task:complete', { taskId: created.body.id, result: 'again' });
    expect(again).toMatchObject({ ok: true, data: { duplicate: true, result: 'shipped' } });
    const status = (await s.api.call('GET', `/api/v1/agents/${agent.agentId}/status`)).body;
    expect(status.metrics.completed).toBe(1);
    const bad = await agent.emit('task:complete', { taskId: 'not-a-uuid' });
    expect(bad).toMatchObject({ ok: false, error: { status: 400 } });
    expect(agent.socket.connected).toBe(true);
  });

  it('creates a linked child task in another department and tells the requester when it finishes', async () => {
    const messages: { type: string; data: { parentTaskId: string; status: string } }[] = [];
    let childId = '';
    const requester = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'engineering', specialization: 'backend' },
      async (tk, ctx) => {
        const res = (await ctx.collaborate({ targetDepartmentId: 'legal', request: { title: 'review licence', type: 'review' } })) as {
          task: { id: string };
        };
        childId = res.task.id;
        await waitFor(() => messages.length > 0, 30_000);
        return { parent: tk.id };
      },
      { onMessage: (m) => messages.push(m as (typeof messages)[number]) },
    );
    const reviewer = await spawnAgent(s.h.url, s.api, { departmentId: 'legal', specialization: 'ip' }, async () => ({ ok: true }));
    s.clients.push(requester, reviewer);
    const parent = await s.api.call('POST', '/api/v1/tasks', {
      title: 'ship feature',
      departmentId: 'engineering',
      type: 'build',
      requirements: { specialization: 'backend' },
    });
    await waitFor(async () => (await getTask(parent.body.id)).status === 'completed', 30_000);
    expect(messages[0]).toMatchObject({ type: 'collaboration:finished', data: { parentTaskId: parent.body.id, status: 'completed' } });
    const detail = await getTask(parent.body.id);
    expect(detail.children).toEqual([expect.objectContaining({ id: childId, departmentId: 'legal', status: 'completed' })]);
  });
});
