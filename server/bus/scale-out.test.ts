import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { createTestDb, type TestDb } from '@/test/test-db';
import type { AgentClient } from '@/lib/agent-sdk/client';
import { apiAs, sleep, spawnAgent, waitFor, type ApiClient } from '../../sim/fleet';
import { dropRedisKeys, redisReachable, REDIS_URL } from '../faults/redis-probe';

/**
 * Two real server processes joined by the Socket.IO Redis adapter, sharing one
 * Postgres. Needs DATABASE_URL (PGlite can't be shared between processes) and a Redis.
 */
const redisUp = await redisReachable(REDIS_URL);

type Msg = { id: string; type: string; from: Record<string, unknown>; data: unknown };
const prefix = `ecs-test-${randomUUID().slice(0, 8)}:`;
let t: TestDb;
const procs: ChildProcess[] = [];
let A: string;
let B: string;
let apiB: ApiClient;
const clients: AgentClient[] = [];
const inbox = new Map<string, Msg[]>();

async function serve(): Promise<string> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.resolve(import.meta.dirname, '../../test/serve-harness.ts')], {
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      REDIS_URL,
      BUS_PREFIX: prefix,
      HEARTBEAT_INTERVAL: '2000',
      NODE_ENV: 'test',
      DATA_DIR: path.join(os.tmpdir(), `ecs-scale-${prefix.slice(9, 17)}`),
      DEMO: 'false',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  procs.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    createInterface({ input: child.stdout! }).on('line', (l) => l.startsWith('listening ') && resolve(l.slice('listening '.length)));
    child.once('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  return line;
}

async function agentOn(url: string, departmentId: string, specialization: string) {
  let self = '';
  const c = await spawnAgent(url, apiB, { departmentId, specialization }, async () => null, {
    onMessage: (m) => inbox.get(self)!.push(m as Msg),
  });
  self = c.agentId;
  inbox.set(self, []);
  clients.push(c);
  return c;
}

const got = (c: AgentClient, type: string) => inbox.get(c.agentId)!.filter((m) => m.type === type);

describe.skipIf(!process.env.DATABASE_URL || !redisUp)('scale-out over Redis: two server processes', () => {
  beforeAll(async () => {
    t = await createTestDb({ adminPassword: 'scale-admin-password-1' });
    [A, B] = await Promise.all([serve(), serve()]);
    apiB = await apiAs(B, 'admin', 'scale-admin-password-1');
  }, 90_000);

  afterAll(async () => {
    clients.forEach((c) => c.stop());
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

  it('reaches an agent on A from B: by REST, by an agent publishing on B, and a department broadcast spans both', async () => {
    const onA1 = await agentOn(A, 'sales', 'lead-generation');
    const onA2 = await agentOn(A, 'sales', 'lead-generation');
    const onB1 = await agentOn(B, 'sales', 'lead-generation');
    const onB2 = await agentOn(B, 'engineering', 'backend');
    expect((await (await fetch(`${B}/api/health`)).json()).bus.redis).toBe('up');

    // 1. REST on B, agent connected to A.
    const r = await apiB.call('POST', '/api/v1/messages', { to: { agentId: onA1.agentId }, type: 'rest-b', data: { via: 'B' } });
    expect(r.status).toBe(201);
    await waitFor(() => got(onA1, 'rest-b').length === 1, 5000);

    // 2. An agent on B publishes to a topic an agent on A subscribed to; and sends to an agent on A directly.
    expect(await onA1.subscribe('deals.closed')).toMatchObject({ ok: true });
    expect(await onB2.publish('deals.closed', { amount: 5 }, 'pub-b')).toMatchObject({ ok: true });
    await waitFor(() => got(onA1, 'pub-b').length === 1, 5000);
    expect(got(onA1, 'pub-b')[0].from).toEqual({ agentId: onB2.agentId, departmentId: 'engineering' });
    expect(await onB2.send({ agentId: onA2.agentId }, 'direct-b', null)).toMatchObject({ ok: true });
    await waitFor(() => got(onA2, 'direct-b').length === 1, 5000);

    // 3. A department broadcast through B reaches the department's agents on both processes, once each.
    const d = await apiB.call('POST', '/api/v1/messages', { to: { departmentId: 'sales' }, type: 'dept', data: null });
    expect(d.body.recipients).toBe(3);
    await waitFor(() => [onA1, onA2, onB1].every((c) => got(c, 'dept').length === 1), 5000);
    await sleep(300);
    expect([onA1, onA2, onB1, onB2].map((c) => got(c, 'dept').length)).toEqual([1, 1, 1, 0]);
    expect([onA1, onA2, onB1, onB2].map((c) => got(c, 'rest-b').length + got(c, 'direct-b').length + got(c, 'pub-b').length)).toEqual([
      2, 1, 0, 0,
    ]);
  });

  it('keeps messages sent through B for an agent of A that is offline, in Redis, and replays them on reconnect', async () => {
    const onA = clients[1];
    onA.socket.disconnect();
    await sleep(500);
    for (let n = 0; n < 5; n++)
      expect((await apiB.call('POST', '/api/v1/messages', { to: { agentId: onA.agentId }, type: 'held', data: { n } })).status).toBe(201);
    await sleep(300);
    expect(got(onA, 'held')).toHaveLength(0);
    onA.socket.connect();
    await waitFor(() => got(onA, 'held').length === 5, 5000);
    expect(got(onA, 'held').map((m) => (m.data as { n: number }).n)).toEqual([0, 1, 2, 3, 4]);
  });
});
