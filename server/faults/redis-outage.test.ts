import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestDb, type TestDb } from '@/test/test-db';
import type { AgentClient } from '@/lib/agent-sdk/client';
import { apiAs, sleep, spawnAgent, waitFor, type ApiClient } from '../../sim/fleet';
import { spawnServer, type ServerProc } from './spawn-server';
import { startTcpProxy, type TcpProxy } from './tcp-proxy';
import { dropRedisKeys, redisReachable, REDIS_URL } from './redis-probe';

/**
 * Two server processes joined by the Socket.IO Redis adapter lose Redis
 * (a TCP proxy between them and the machine's Redis is cut; Redis itself is never touched).
 * Each process must keep serving its own agents and say it is degraded; when Redis returns both
 * rejoin and cross-process delivery works again.
 */
const redisUp = await redisReachable(REDIS_URL);

type Msg = { type: string; data: unknown };
const prefix = `ecs-outage-${randomUUID().slice(0, 8)}:`;
let t: TestDb;
let proxy: TcpProxy;
const servers: ServerProc[] = [];
const clients: AgentClient[] = [];
const inbox = new Map<string, Msg[]>();
let apiA: ApiClient;
let apiB: ApiClient;

async function agentOn(url: string, api: ApiClient, departmentId: string, specialization: string) {
  let self = '';
  const c = await spawnAgent(
    url,
    api,
    { departmentId, specialization },
    async () => {
      await sleep(10);
      return { ok: true };
    },
    { onMessage: (m) => inbox.get(self)!.push(m as Msg) },
  );
  self = c.agentId;
  inbox.set(self, []);
  clients.push(c);
  return c;
}
const got = (c: AgentClient, type: string) => inbox.get(c.agentId)!.filter((m) => m.type === type);
const health = async (url: string) => {
  const res = await fetch(`${url}/api/health`, { signal: AbortSignal.timeout(5000) });
  return { code: res.status, ...((await res.json()) as { status: string; bus: { redis: string } }) };
};

describe.skipIf(!process.env.DATABASE_URL || !redisUp)('Redis down under two server processes', () => {
  beforeAll(async () => {
    t = await createTestDb({ adminPassword: 'redis-outage-admin-1' });
    const target = new URL(REDIS_URL);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 6379) });
    const env = { DATABASE_URL: t.url!, REDIS_URL: proxy.via(REDIS_URL), BUS_PREFIX: prefix };
    servers.push(...(await Promise.all([spawnServer(env), spawnServer(env)])));
    apiA = await apiAs(servers[0].url, 'admin', 'redis-outage-admin-1');
    apiB = await apiAs(servers[1].url, 'admin', 'redis-outage-admin-1');
  }, 90_000);

  afterAll(async () => {
    clients.forEach((c) => c.stop());
    await Promise.all(servers.map((s) => s.stop('SIGKILL')));
    await proxy?.close();
    await dropRedisKeys(prefix, REDIS_URL);
    await t?.drop();
  });

  it('each process serves its own agents while Redis is down, reports degraded, and rejoins after', { timeout: 120_000 }, async () => {
    const [A, B] = servers.map((s) => s.url);
    // Engineering's agents all live on A, so A's dispatcher is the one to hand out its tasks.
    const a1 = await agentOn(A, apiA, 'engineering', 'backend');
    const a2 = await agentOn(A, apiA, 'engineering', 'backend');
    const b1 = await agentOn(B, apiB, 'sales', 'lead-generation');
    const b2 = await agentOn(B, apiB, 'sales', 'lead-generation');
    expect((await apiB.call('POST', '/api/v1/messages', { to: { agentId: a1.agentId }, type: 'before', data: null })).status).toBe(201);
    await waitFor(() => got(a1, 'before').length === 1, 5000);
    expect((await health(A)).bus.redis).toBe('up');

    proxy.cut('refuse');
    const cutAt = Date.now();
    await waitFor(async () => (await Promise.all([A, B].map(health))).every((h) => h.bus.redis === 'down'), 10_000, 200);
    for (const url of [A, B]) expect(await health(url)).toMatchObject({ code: 200, status: 'degraded', bus: { redis: 'down' } });

    // A task created through A's REST reaches an agent connected to A and is completed.
    const task = await apiA.call('POST', '/api/v1/tasks', {
      title: 'during redis outage',
      departmentId: 'engineering',
      type: 'redis-outage',
    });
    expect(task.status).toBe(201);
    await waitFor(async () => (await apiA.call('GET', `/api/v1/tasks/${task.body.id}`)).body.status === 'completed', 15_000, 200);
    // Direct messages between agents of one process, and REST to an agent of that process.
    expect(await a1.send({ agentId: a2.agentId }, 'direct-a', { n: 1 })).toMatchObject({ ok: true });
    await waitFor(() => got(a2, 'direct-a').length === 1, 5000);
    expect(await b1.send({ agentId: b2.agentId }, 'direct-b', { n: 1 })).toMatchObject({ ok: true });
    await waitFor(() => got(b2, 'direct-b').length === 1, 5000);
    const rest = await apiB.call('POST', '/api/v1/messages', { to: { agentId: b1.agentId }, type: 'rest-b', data: null });
    expect(rest.status).toBe(201);
    await waitFor(() => got(b1, 'rest-b').length === 1, 5000);
    // An agent that reconnects during the outage is served too: the read of its Redis buffer fails
    // (the bus client has no offline queue) and its live messages are not held behind that read.
    a1.socket.disconnect();
    await sleep(200);
    a1.socket.connect();
    await waitFor(() => a1.socket.connected, 5000);
    expect((await apiA.call('POST', '/api/v1/messages', { to: { agentId: a1.agentId }, type: 'after-reconnect', data: null })).status).toBe(
      201,
    );
    await waitFor(() => got(a1, 'after-reconnect').length === 1, 5000);
    expect(await a2.send({ agentId: a1.agentId }, 'direct-after-reconnect', null)).toMatchObject({ ok: true });
    await waitFor(() => got(a1, 'direct-after-reconnect').length === 1, 5000);
    // Ten seconds without Redis, reconnect attempts and all: both processes stay up and degraded.
    await sleep(Math.max(0, 10_000 - (Date.now() - cutAt)));
    for (const s of servers) expect(s.alive()).toBe(true);
    for (const url of [A, B]) expect(await health(url)).toMatchObject({ code: 200, status: 'degraded', bus: { redis: 'down' } });

    proxy.restore();
    await waitFor(async () => (await Promise.all([A, B].map(health))).every((h) => h.status === 'ok' && h.bus.redis === 'up'), 20_000, 200);
    // Across processes again: REST on B to an agent on A, and an agent on B to an agent on A.
    expect((await apiB.call('POST', '/api/v1/messages', { to: { agentId: a1.agentId }, type: 'after', data: null })).status).toBe(201);
    await waitFor(() => got(a1, 'after').length === 1, 10_000);
    expect(await b1.send({ agentId: a2.agentId }, 'after-agent', null)).toMatchObject({ ok: true });
    await waitFor(() => got(a2, 'after-agent').length === 1, 10_000);
    for (const s of servers) expect(s.alive()).toBe(true);
  });
});
