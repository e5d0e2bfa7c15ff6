import { describe, expect, it } from 'vitest';
import { TaskRevokedError, type TaskContext } from '@/lib/agent-sdk/client';
import { fleetSuite } from '../test/suite';
import { bearerClient, sleep, spawnAgent, waitFor } from '../sim/fleet';

/**
 * A task's timeout against a real server and the real SDK: the limit holds per attempt whatever
 * heart-beats and progress reports do, the handler is aborted through ctx.signal, and what the
 * attempt reports afterwards is refused.
 */
const s = fleetSuite('attempt-timeouts-admin-pw-1');

type Attempt = {
  attempt: number;
  agentId: string;
  agentName: string;
  outcome: string;
  startedAt: string;
  endedAt: string;
  durationMs: number;
  error: string;
};

/** A handler that never finishes on its own: it reports progress (renewing the lease) until aborted. */
function hungHandler(aborts: unknown[], started: number[], honourSignal = true) {
  return async (_task: unknown, ctx: TaskContext) => {
    started.push(Date.now());
    await new Promise<void>((resolve, reject) => {
      const beat = setInterval(() => void ctx.progress(0.1).catch(() => undefined), 200);
      ctx.signal.addEventListener('abort', () => {
        clearInterval(beat);
        aborts.push(ctx.signal.reason);
        if (honourSignal) reject(ctx.signal.reason);
        else setTimeout(resolve, 500); // a handler that finishes anyway, late
      });
    });
    return { late: true };
  };
}

describe('a task timeout is a hard limit per attempt', () => {
  it('a heart-beating agent past the timeout: one attempt, timed out, the task dead with reason timeout', { timeout: 30_000 }, async () => {
    const aborts: unknown[] = [];
    const started: number[] = [];
    const agent = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'legal', specialization: 'contracts', name: 'slow-legal' },
      hungHandler(aborts, started),
    );
    s.clients.push(agent);
    const created = await s.api.call('POST', '/api/v1/tasks', {
      title: 'hangs',
      departmentId: 'legal',
      type: 'review',
      timeout: 2000,
      maxAttempts: 1,
    });
    expect(created.status).toBe(201);
    const dead = await waitFor(
      async () => {
        const r = await s.api.call('GET', `/api/v1/tasks/${created.body.id}`);
        return r.body.status === 'dead' && r.body;
      },
      15_000,
      100,
    );
    expect(dead.reason).toBe('timeout');
    expect(dead.attempts).toBe(1);
    const history = dead.attemptHistory as Attempt[];
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({ attempt: 1, agentId: agent.agentId, agentName: 'slow-legal', outcome: 'timed-out' });
    expect(history[0].durationMs).toBeGreaterThanOrEqual(2000);
    expect(history[0].error).toMatch(/timeout/);
    // Told over its socket, the SDK aborted the handler with the reason.
    await waitFor(() => aborts.length === 1, 5000);
    expect(aborts[0]).toBeInstanceOf(TaskRevokedError);
    expect((aborts[0] as TaskRevokedError).reason).toBe('timeout');
    expect(started).toHaveLength(1);
  });

  it('a hung SDK handler is aborted, retried and dead-lettered after exactly maxAttempts timed-out attempts', {
    timeout: 60_000,
  }, async () => {
    const aborts: unknown[] = [];
    const started: number[] = [];
    const agent = await spawnAgent(
      s.h.url,
      s.api,
      { departmentId: 'hr', specialization: 'recruiting', name: 'hung-hr' },
      hungHandler(aborts, started),
    );
    s.clients.push(agent);
    const created = await s.api.call('POST', '/api/v1/tasks', {
      title: 'hangs thrice',
      departmentId: 'hr',
      type: 'screen',
      timeout: 2000,
      maxAttempts: 3,
    });
    const dead = await waitFor(
      async () => {
        const r = await s.api.call('GET', `/api/v1/tasks/${created.body.id}`);
        return r.body.status === 'dead' && r.body;
      },
      45_000,
      200,
    );
    expect(dead.reason).toBe('timeout');
    const history = dead.attemptHistory as Attempt[];
    expect(history.map((a) => [a.attempt, a.outcome])).toEqual([
      [1, 'timed-out'],
      [2, 'timed-out'],
      [3, 'timed-out'],
    ]);
    await waitFor(() => aborts.length === 3, 5000);
    expect(aborts.every((a) => a instanceof TaskRevokedError && a.reason === 'timeout')).toBe(true);
    expect(started).toHaveLength(3);
    const events = (dead.events as { type: string }[]).map((e) => e.type);
    expect(events.filter((e) => e === 'retry-scheduled')).toHaveLength(2);
    // Never completed, never counted as such.
    expect(agent.completed).toBe(0);
  });

  it('a late completion from a timed-out attempt is refused (REST 409, socket error) and recorded, not counted', {
    timeout: 30_000,
  }, async () => {
    const aborts: unknown[] = [];
    const res = await s.api.call('POST', '/api/v1/agents', {
      type: 'worker',
      departmentId: 'legal',
      specialization: 'contracts',
      name: 'late-legal',
    });
    const { agentId, secret } = res.body.credentials;
    const { AgentClient } = await import('@/lib/agent-sdk/client');
    const agent = new AgentClient({ baseUrl: s.h.url, agentId, secret, handler: hungHandler(aborts, [], false) });
    s.clients.push(agent);
    await agent.start();
    const created = await s.api.call('POST', '/api/v1/tasks', {
      title: 'finishes late',
      departmentId: 'legal',
      type: 'review',
      timeout: 2000,
      maxAttempts: 1,
      targetAgentId: agentId,
    });
    const id = created.body.id;
    await waitFor(async () => (await s.api.call('GET', `/api/v1/tasks/${id}`)).body.status === 'dead', 15_000, 100);

    const token = await fetch(`${s.h.url}/api/v1/agents/${agentId}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret }),
    });
    const asAgent = bearerClient(s.h.url, ((await token.json()) as { accessToken: string }).accessToken);
    const [rest, socket, progress] = await Promise.all([
      asAgent.call('POST', `/api/v1/tasks/${id}/complete`, { result: { late: true } }),
      agent.emit('task:complete', { taskId: id, result: { late: true } }),
      asAgent.call('POST', `/api/v1/tasks/${id}/progress`, { progress: 0.9 }),
    ]);
    expect(rest.status).toBe(409);
    expect(rest.body.detail).toMatch(/timeout/);
    expect(socket.ok).toBe(false);
    expect(socket.error?.status).toBe(409);
    expect(progress.status).toBe(409);
    // The handler ignored the abort and finished: the SDK dropped its result instead of sending it.
    await sleep(800);
    expect(agent.completed).toBe(0);

    const after = await s.api.call('GET', `/api/v1/tasks/${id}`);
    expect(after.body.status).toBe('dead');
    expect(after.body.result).toBeNull();
    const late = (after.body.events as { type: string; detail: { call: string } }[]).filter((e) => e.type === 'late-report');
    // Both completions; progress at least once (the handler's own progress timer may have raced the abort too).
    expect(late.filter((e) => e.detail.call === 'complete')).toHaveLength(2);
    expect(late.filter((e) => e.detail.call === 'progress').length).toBeGreaterThanOrEqual(1);
    const status = await s.api.call('GET', `/api/v1/agents/${agentId}/status`);
    expect(status.body.metrics).toMatchObject({ completed: 0, failed: 1 });
  });
});
