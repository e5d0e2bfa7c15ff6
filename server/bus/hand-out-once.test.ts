import { afterAll, describe, expect, it } from 'vitest';
import { io as connect, type Socket } from 'socket.io-client';
import { fleetSuite } from '../../test/suite';
import { waitFor } from '../../sim/fleet';

const s = fleetSuite('hand-out-once-admin-pw');
const sockets: Socket[] = [];
afterAll(() => sockets.forEach((x) => x.close()));

/** A bare Socket.IO agent that counts every task:assigned it gets, redeliveries included. */
async function rawAgent(departmentId: string, seen: Map<string, number>, delivered: Set<string>): Promise<Socket> {
  const made = await s.api.call('POST', '/api/v1/agents', {
    type: 'worker',
    departmentId,
    specialization: 'data-science',
    maxConcurrentTasks: 4,
  });
  expect(made.status).toBe(201);
  const { agentId, secret } = made.body.credentials;
  const token = await fetch(`${s.h.url}/api/v1/agents/${agentId}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret }),
  }).then(async (r) => ((await r.json()) as { accessToken: string }).accessToken);
  const socket = connect(`${s.h.url}/agents`, { auth: { token }, transports: ['websocket'], forceNew: true, reconnection: false });
  // One delivery per agent and attempt: a task retried elsewhere (a new attempt) is no duplicate.
  socket.on('task:assigned', ({ task }: { task: { id: string; attempts: number } }) => {
    const key = `${agentId}:${task.id}:${task.attempts}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
    delivered.add(task.id);
    socket.emit('task:complete', { taskId: task.id, result: null }, () => {});
  });
  sockets.push(socket);
  return socket;
}

describe('hand-out to a connecting agent', () => {
  it('sends each task once to agents that connect while tasks are being created in their department', async () => {
    const seen = new Map<string, number>();
    const delivered = new Set<string>();
    const ids: string[] = [];
    let connecting = true;
    // Creates keep arriving while agents connect one after another: some land in the moment an
    // agent is present but its connection is not set up yet.
    const creator = async () => {
      while (connecting) {
        const r = await s.api.call('POST', '/api/v1/tasks', { title: 'race', departmentId: 'research', type: 'race', priority: 'low' });
        expect(r.status).toBe(201);
        ids.push(r.body.id);
      }
    };
    const creators = Array.from({ length: 6 }, creator);
    for (let i = 0; i < 15; i++) {
      const socket = await rawAgent('research', seen, delivered);
      await new Promise((r) => socket.once('ready', r));
    }
    connecting = false;
    await Promise.all(creators);
    await waitFor(() => ids.every((id) => delivered.has(id)), 30_000);
    const twice = [...seen].filter(([, n]) => n > 1);
    expect(twice).toEqual([]);
  });
});
