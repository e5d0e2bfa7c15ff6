import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { AgentClient } from './client';
import { apiAs, waitFor } from '@/sim/fleet';
import { spawnServer, type ServerProc } from '@/server/faults/spawn-server';

/**
 * The SDK with a list of servers: it starts on the first that answers, and when its server drains
 * (SIGTERM) it rejoins the next one, where it keeps working. Two processes on one database.
 */
let t: TestDb | undefined;
const servers: ServerProc[] = [];
const agents: AgentClient[] = [];

afterEach(async () => {
  agents.splice(0).forEach((a) => a.stop());
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await t?.drop();
  t = undefined;
});

describe.skipIf(!process.env.DATABASE_URL)('agent SDK failover', () => {
  it('skips an unreachable server at start, and moves to the next server when its own drains', { timeout: 60_000 }, async () => {
    t = await createTestDb({ adminPassword: 'failover-admin-pw-1' });
    const [a, b] = await Promise.all([spawnServer({ DATABASE_URL: t.url! }), spawnServer({ DATABASE_URL: t.url! })]);
    servers.push(a, b);
    const api = await apiAs(b.url, 'admin', 'failover-admin-pw-1');
    const done: string[] = [];
    const handler = async (task: { title: string }) => {
      done.push(task.title);
      return { ok: true };
    };
    const make = async () =>
      (await api.call('POST', '/api/v1/agents', { type: 'worker', departmentId: 'engineering', specialization: 'backend' })).body
        .credentials;

    // Nothing listens on port 9: the first server in the list is down.
    const late = new AgentClient({ baseUrl: 'http://127.0.0.1:9', failoverUrls: [b.url], ...(await make()), handler });
    agents.push(late);
    await late.start();
    expect(late.url).toBe(b.url);

    const moving = new AgentClient({ baseUrl: a.url, failoverUrls: [b.url], ...(await make()), handler });
    agents.push(moving);
    await moving.start();
    expect(moving.url).toBe(a.url);
    late.stop();

    await a.stop('SIGTERM');
    expect(a.proc.exitCode).toBe(0);
    await waitFor(() => moving.socket.connected && moving.url === b.url, 10_000, 50);
    const res = await api.call('POST', '/api/v1/tasks', { title: 'after failover', departmentId: 'engineering', type: 'failover' });
    expect(res.status).toBe(201);
    await waitFor(() => moving.completed === 1, 10_000, 50);
    expect(done).toEqual(['after failover']);
  });
});
