import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '@/test/test-db';
import type { AgentClient } from '@/lib/agent-sdk/client';
import { apiAs, sleep, spawnAgent, waitFor, type ApiClient } from '../../sim/fleet';
import { dropRedisKeys, redisReachable, REDIS_URL } from '../faults/redis-probe';

/**
 * Three real server processes joined by Redis on one Postgres: what is sent or created on any of
 * them reaches agents and consoles connected to the others. Needs DATABASE_URL and a Redis.
 */
const redisUp = await redisReachable(REDIS_URL);

type Msg = { id: string; type: string; data: unknown };
const prefix = `ecs-test-${randomUUID().slice(0, 8)}:`;
let t: TestDb;
const procs: ChildProcess[] = [];
let urls: string[] = [];
let apis: ApiClient[] = [];
const clients: AgentClient[] = [];
const sockets: Socket[] = [];
const inbox = new Map<string, Msg[]>();
const assigned = new Map<string, string[]>();

async function serve(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../../test/serve-harness.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      REDIS_URL,
      BUS_PREFIX: prefix,
      HEARTBEAT_INTERVAL: '2000',
      NODE_ENV: 'test',
      DATA_DIR: path.join(os.tmpdir(), `ecs-cluster-${prefix.slice(9, 17)}`),
      DEMO: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  procs.push(child);
  return new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('listening ') && resolve(l.slice('listening '.length)));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** An agent connected to process `p`; it records its messages and the tasks handed to it, and holds them (no answer). */
async function agentOn(p: number, departmentId: string, specialization: string) {
  let self = '';
  const c = await spawnAgent(urls[p], apis[p], { departmentId, specialization }, () => new Promise(() => {}), {
    onMessage: (m) => inbox.get(self)!.push(m as Msg),
  });
  self = c.agentId;
  inbox.set(self, []);
  assigned.set(self, []);
  c.socket.on('task:assigned', ({ task }: { task: { id: string } }) => assigned.get(self)!.push(task.id));
  clients.push(c);
  return c;
}

const got = (c: AgentClient, type: string) => inbox.get(c.agentId)!.filter((m) => m.type === type);

describe.skipIf(!process.env.DATABASE_URL || !redisUp)('three server processes joined by Redis', () => {
  beforeAll(async () => {
    t = await createTestDb({ adminPassword: 'cluster-admin-password-1' });
    urls = await Promise.all([serve(), serve(), serve()]);
    apis = await Promise.all(urls.map((u) => apiAs(u, 'admin', 'cluster-admin-password-1')));
  }, 120_000);

  afterAll(async () => {
    clients.forEach((c) => c.stop());
    sockets.forEach((s) => s.close());
    await Promise.all(
      procs.map(
        (p) =>
          new Promise((r) => {
            p.once('exit', r);
            p.kill('SIGTERM');
          }),
      ),
    );
    await dropRedisKeys(prefix, REDIS_URL);
    await t?.drop();
  });

  it('delivers department messages, mode one and mode all, sent on a process with no agent of the department to agents on the others', async () => {
    const onA = await agentOn(0, 'sales', 'lead-generation');
    const onB = await agentOn(1, 'sales', 'lead-generation');
    // Process C (urls[2]) holds no agent of sales: every message sent through it crosses processes.
    for (let n = 0; n < 4; n++) {
      const r = await apis[2].call('POST', '/api/v1/messages', { to: { departmentId: 'sales', mode: 'one' }, type: 'one', data: { n } });
      expect(r.status).toBe(201);
      expect(r.body.recipients).toBe(1);
    }
    await waitFor(() => got(onA, 'one').length + got(onB, 'one').length === 4, 5000);
    // Round-robin over the department's online agents: both processes' agents get some, each message once.
    expect(got(onA, 'one').length).toBeGreaterThan(0);
    expect(got(onB, 'one').length).toBeGreaterThan(0);
    const seen = [...got(onA, 'one'), ...got(onB, 'one')].map((m) => (m.data as { n: number }).n).sort();
    expect(seen).toEqual([0, 1, 2, 3]);

    // mode one sent where an agent of the department is connected prefers that one.
    expect(
      (await apis[1].call('POST', '/api/v1/messages', { to: { departmentId: 'sales', mode: 'one' }, type: 'near', data: null })).status,
    ).toBe(201);
    await waitFor(() => got(onB, 'near').length === 1, 5000);

    const all = await apis[2].call('POST', '/api/v1/messages', { to: { departmentId: 'sales' }, type: 'all', data: null });
    expect(all.body.recipients).toBe(2);
    await waitFor(() => got(onA, 'all').length === 1 && got(onB, 'all').length === 1, 5000);
    await sleep(300);
    expect([got(onA, 'all').length, got(onB, 'all').length, got(onA, 'near').length]).toEqual([1, 1, 0]);
  });

  it('hands a task created on one process to a free agent connected to another, and tells a console on a third', async () => {
    const agent = await agentOn(1, 'finance', 'accounting');
    const console = connect(`${urls[0]}/console`, { auth: { token: apis[0].token }, transports: ['websocket'], reconnection: false });
    sockets.push(console);
    const updates: { id: string; status: string }[] = [];
    console.on('task:update', (u: { id: string; status: string }) => updates.push(u));
    await new Promise<void>((resolve, reject) => {
      console.once('connect', resolve);
      console.once('connect_error', reject);
    });
    await sleep(300); // the other processes hear that a console is connected somewhere

    // Created on C: no agent of finance there, the only one is on B.
    const created = await apis[2].call('POST', '/api/v1/tasks', { title: 'across', departmentId: 'finance', type: 'x' });
    expect(created.status).toBe(201);
    await waitFor(() => assigned.get(agent.agentId)!.includes(created.body.id), 5000);
    const task = await apis[0].call('GET', `/api/v1/tasks/${created.body.id}`);
    expect(task.body.assignedAgentId).toBe(agent.agentId);
    // The console on A saw the task pending (published on C) and assigned (published on B).
    await waitFor(() => updates.some((u) => u.id === created.body.id && u.status === 'assigned'), 5000);
    expect(updates.some((u) => u.id === created.body.id && u.status === 'pending')).toBe(true);
  });
});
