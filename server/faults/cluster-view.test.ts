import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { createTestDb, type TestDb } from '@/test/test-db';
import { AgentClient } from '@/lib/agent-sdk/client';
import type { ClusterBusStats } from '@/lib/cluster/bus-totals';
import type { SystemStatus } from '@/lib/status/system';
import { waitFor } from '../../sim/fleet';
import { dropRedisKeys, REDIS_URL, redisReachable } from './redis-probe';
import { spawnServer, type ServerProc } from './spawn-server';

/**
 * Three server processes on one Postgres (and Redis when there is one), each holding its own
 * agents and counting its own REST sends. Any of them answers the bus figures and the status for
 * all three; a SIGKILLed one drops out once its row is three beats old.
 */
const redisUp = await redisReachable();
const prefix = `ecs-cluster-view-${randomUUID().slice(0, 8)}:`;
const PASSWORD = 'cluster-view-admin-pw-1';
const BEAT_MS = 1000;
// Agents held and topic messages sent through each process.
const AGENTS = [1, 2, 0];
const SENDS = [1, 2, 3];

let t: TestDb | undefined;
const servers: ServerProc[] = [];
const fleet: AgentClient[] = [];

afterAll(async () => {
  fleet.splice(0).forEach((c) => c.stop());
  await Promise.all(servers.map((s) => s.stop()));
  await t?.drop();
  if (redisUp) await dropRedisKeys(prefix);
});

describe.skipIf(!process.env.DATABASE_URL)('the cluster as one (needs DATABASE_URL: several processes on one Postgres)', () => {
  it("answers bus totals, sockets, every process and every agent's connection from any process, and drops a killed one within three beats", {
    timeout: 300_000,
  }, async () => {
    t = await createTestDb({ adminPassword: PASSWORD });
    const env: Record<string, string> = { DATABASE_URL: t.url!, CLUSTER_HEARTBEAT_INTERVAL: String(BEAT_MS) };
    if (redisUp) Object.assign(env, { REDIS_URL, BUS_PREFIX: prefix });
    servers.push(...(await Promise.all([0, 1, 2].map(() => spawnServer(env)))));
    const pids = servers.map((s) => s.proc.pid);

    const login = await fetch(`${servers[0].url}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    const token = ((await login.json()) as { accessToken: string }).accessToken;
    const call = async <T>(s: ServerProc, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => {
      const res = await fetch(`${s.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      return { status: res.status, body: (await res.json()) as T };
    };

    const home = new Map<string, number>();
    for (const [i, n] of AGENTS.entries()) {
      for (let k = 0; k < n; k++) {
        const reg = await call<{ credentials: { agentId: string; secret: string } }>(servers[i], 'POST', '/api/v1/agents', {
          type: 'worker',
          departmentId: 'engineering',
          specialization: 'backend',
        });
        expect(reg.status).toBe(201);
        const c = new AgentClient({ baseUrl: servers[i].url, ...reg.body.credentials, handler: async () => ({ ok: true }) });
        await c.start();
        fleet.push(c);
        home.set(c.agentId, i);
      }
    }
    for (const [i, n] of SENDS.entries()) {
      for (let k = 0; k < n; k++)
        expect(
          (await call(servers[i], 'POST', '/api/v1/messages', { to: { topic: 'fleet.status' }, type: 'note', data: { k } })).status,
        ).toBe(201);
    }

    const agents = AGENTS.reduce((a, b) => a + b, 0);
    const sends = SENDS.reduce((a, b) => a + b, 0);
    // Every process, asked in turn, answers for all three once each has beaten since the sends.
    await waitFor(
      async () => {
        for (const s of servers) {
          const bus = (await call<ClusterBusStats>(s, 'GET', '/api/v1/bus/stats')).body;
          if (bus.processes.length !== 3 || bus.totals.messagesTotal !== sends || bus.connections !== agents) return false;
        }
        return true;
      },
      15_000,
      200,
    );
    for (const [i, s] of servers.entries()) {
      const bus = (await call<ClusterBusStats>(s, 'GET', '/api/v1/bus/stats')).body;
      expect(bus.processes[0]).toMatchObject({ self: true, pid: pids[i], agentsConnected: AGENTS[i], busMessagesTotal: SENDS[i] });
      expect(bus.processes.map((p) => p.pid).sort()).toEqual([...pids].sort());
      expect(bus.redis).toBe(redisUp ? 'up' : 'off');
      const status = (await call<SystemStatus>(s, 'GET', '/api/v1/status')).body;
      expect(status.health.bus.agentsConnected).toBe(agents);
      expect(status.processes!.map((p) => p.pid).sort()).toEqual([...pids].sort());
      for (const p of status.processes!) {
        expect(p.rssBytes).toBeGreaterThan(10 * 2 ** 20);
        expect(p.eventLoopDelayP99Ms).toBeGreaterThan(0);
      }
      // Each once-per-cluster job is led by exactly one process, whichever is asked.
      const led = status.processes!.flatMap((p) => p.leads);
      expect(led.length).toBeGreaterThan(0);
      expect(new Set(led).size).toBe(led.length);
    }

    // Every process shows every agent connected: by socket where it is held, elsewhere as other-process.
    for (const [agentId, i] of home) {
      for (const [j, s] of servers.entries()) {
        const view = (await call<{ connected: boolean; connection: string | null }>(s, 'GET', `/api/v1/agents/${agentId}`)).body;
        expect(view, `agent of process ${i} seen from ${j}`).toMatchObject({
          connected: true,
          connection: i === j ? 'socket' : 'other-process',
        });
      }
    }

    // SIGKILL: no goodbye; the others stop counting it once its row is three beats old.
    await servers[2].stop('SIGKILL');
    const killedAt = Date.now();
    await waitFor(
      async () => {
        for (const s of servers.slice(0, 2)) {
          const bus = (await call<ClusterBusStats>(s, 'GET', '/api/v1/bus/stats')).body;
          if (bus.processes.length !== 2) return false;
        }
        return true;
      },
      15_000,
      100,
    );
    const goneAfter = Date.now() - killedAt;
    expect(goneAfter).toBeLessThan(3 * BEAT_MS + 2 * BEAT_MS);
    const bus = (await call<ClusterBusStats>(servers[0], 'GET', '/api/v1/bus/stats')).body;
    expect(bus.processes.map((p) => p.pid).sort()).toEqual(pids.slice(0, 2).sort());
    expect(bus.totals.messagesTotal).toBe(SENDS[0] + SENDS[1]);
    expect(bus.connections).toBe(AGENTS[0] + AGENTS[1]);
  });
});
