import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { io, type Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '@/test/test-db';
import { rowsOf } from '@/db/rows';
import { consoleCookie } from '@/test/console-cookie';
import { findUserByUsername } from '@/db/queries/users';
import { AgentClient } from '@/lib/agent-sdk/client';
import { sleep, waitFor } from '../../sim/fleet';
import { patientApi } from './patient-api';
import { dropRedisKeys, REDIS_URL, redisReachable } from './redis-probe';
import { spawnServer, type ServerProc } from './spawn-server';
import { freePorts } from '../../test/free-port';
import { nginxInstalled, startNginx, type Nginx } from '../../test/nginx';

/**
 * Debian's nginx with the shipped deploy/nginx/ecs.conf in front of two server processes on one
 * Postgres and one Redis, every client going through nginx only: REST, the agent SDK and the
 * console's socket. Then one process is SIGKILLed while 200 agents work: nothing is lost or done
 * twice, and nginx takes every agent to the survivor.
 *
 * The harness processes serve no Next pages; Auth.js's sign-in reads the client address through
 * next/headers, which needs Next's request scope, so the console here is its signed-in state: the
 * session cookie a sign-in sets, on the console namespace and the REST API, through nginx.
 */
const redisUp = !!process.env.REDIS_URL && (await redisReachable());
const skip = !process.env.DATABASE_URL
  ? 'needs DATABASE_URL (two processes share Postgres)'
  : !redisUp
    ? 'needs REDIS_URL (Socket.IO across processes)'
    : !nginxInstalled()
      ? 'needs /usr/sbin/nginx (apt-get install nginx)'
      : '';
if (skip) console.warn(`nginx-front skipped: ${skip}`);

const AGENTS = 200;
const TASKS = 400;
const PASSWORD = 'nginx-admin-pw-1';
// nginx connects to the processes from this address, so "the proxy" and "the client" (127.0.0.1)
// differ and the test can tell which one a process took for the client.
const PROXY_ADDR = '127.0.0.2';
const prefix = `ecs-nginx-${randomUUID().slice(0, 8)}:`;

let t: TestDb | undefined;
let nginx: Nginx | undefined;
const servers: ServerProc[] = [];
const fleet: AgentClient[] = [];
const sockets: Socket[] = [];

afterAll(async () => {
  fleet.splice(0).forEach((c) => c.stop());
  sockets.splice(0).forEach((s) => s.disconnect());
  await nginx?.stop();
  await Promise.all(servers.map((s) => s.stop()));
  await t?.drop();
  if (redisUp) await dropRedisKeys(prefix);
});

describe.skipIf(!!skip)('nginx in front of two processes', () => {
  it(`REST, the agent SDK and the console pass through; a SIGKILL during ${AGENTS} agents' work loses nothing and every agent is back within 10 s`, {
    timeout: 180_000,
  }, async () => {
    t = await createTestDb({ adminPassword: PASSWORD });
    const ports = await freePorts(2);
    const env = (i: number) => ({
      DATABASE_URL: t!.url!,
      REDIS_URL,
      BUS_PREFIX: prefix,
      PORT: String(ports[i]),
      TRUST_PROXY: PROXY_ADDR,
      HEARTBEAT_INTERVAL: '2000',
    });
    servers.push(...(await Promise.all([0, 1].map((i) => spawnServer(env(i))))));
    nginx = await startNginx(ports, { http: `proxy_bind ${PROXY_ADDR};` });
    const front = nginx.url;
    const direct = servers.map((s) => s.url);

    // The basic API. A forged X-Forwarded-For is what the client wrote; the process records the
    // address nginx saw.
    const login = await fetch(`${front}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': '203.0.113.7' },
      body: JSON.stringify({ username: 'admin', password: PASSWORD }),
    });
    expect(login.status).toBe(200);
    const { accessToken } = (await login.json()) as { accessToken: string };
    const one = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t!.db.execute(q))[0];
    expect(await one(sql`select ip from audit_log where action = 'auth.login' and outcome = 'success' order by id desc limit 1`)).toEqual({
      ip: '127.0.0.1',
    });
    const api = patientApi([front], () => accessToken);
    const created = await api.call('POST', '/api/v1/tasks', { title: 'through nginx', departmentId: 'engineering', type: 'front' });
    expect(created.status).toBe(201);
    // Twice, so both processes answer one (nginx takes turns): each sees the other's write.
    for (let i = 0; i < 2; i++) {
      const list = await api.call('GET', '/api/v1/tasks?q=through%20nginx');
      expect(list.status).toBe(200);
      expect(JSON.stringify(list.body)).toContain(created.body.id);
    }

    // The console: its session cookie opens the console namespace and the REST API through nginx.
    const admin = (await findUserByUsername(t.db, 'admin'))!;
    const { cookie } = await consoleCookie(t.db, admin);
    expect((await fetch(`${front}/api/v1/me`, { headers: { cookie } })).status).toBe(200);
    const consoleSocket = io(`${front}/console`, {
      transports: ['websocket'],
      extraHeaders: { cookie },
      reconnection: false,
      forceNew: true,
    });
    sockets.push(consoleSocket);
    await new Promise<void>((resolve, reject) => {
      consoleSocket.once('connect', resolve);
      consoleSocket.once('connect_error', reject);
    });

    // The agent SDK. Which process an agent landed on is read from each process's own health
    // (its count of connected agents), asked directly; nginx is left to choose.
    expect((await api.call('PATCH', '/api/v1/departments/engineering', { maxAgents: AGENTS + 10 })).status).toBe(200);
    const connectedOn = async () =>
      Promise.all(
        direct.map(
          async (u) => ((await (await fetch(`${u}/api/health`)).json()) as { bus: { agentsConnected: number } }).bus.agentsConnected,
        ),
      );
    const got = new Map<string, unknown[]>();
    const reconnects = new Map<AgentClient, { down?: number; up?: number }>();
    let completions = 0;
    let setupDisconnects = 0;
    let killedAt: number | undefined;
    const agent = async () => {
      const res = await api.call('POST', '/api/v1/agents', {
        type: 'worker',
        departmentId: 'engineering',
        specialization: 'backend',
        maxConcurrentTasks: 2,
      });
      if (res.status !== 201) throw new Error(`agent allocation answered ${res.status}`);
      const { agentId, secret } = res.body.credentials;
      const c = new AgentClient({
        baseUrl: front,
        agentId,
        secret,
        handler: async () => {
          await sleep(50 + Math.random() * 150);
          completions++;
          return { ok: true };
        },
        onMessage: (m) => got.set(agentId, [...(got.get(agentId) ?? []), m.data]),
      });
      const r: { down?: number; up?: number } = {};
      reconnects.set(c, r);
      c.socket.on('disconnect', () => (killedAt === undefined ? setupDisconnects++ : (r.down ??= Date.now())));
      c.socket.on('connect', () => r.down !== undefined && (r.up ??= Date.now()));
      await c.start();
      fleet.push(c);
      return c;
    };
    // One agent at a time until each process has one, to know where two of them are: nginx
    // alternates, and an extra request shifts which process the next agent meets.
    const home: AgentClient[][] = [[], []];
    while (!home[0].length || !home[1].length) {
      const before = await connectedOn();
      const c = await agent();
      const after = await waitFor(
        async () => {
          const n = await connectedOn();
          return n[0] + n[1] === fleet.length && n;
        },
        10_000,
        50,
      );
      const on = after.findIndex((n, j) => n > before[j]);
      expect(on, `connected ${JSON.stringify(before)} -> ${JSON.stringify(after)}`).toBeGreaterThanOrEqual(0);
      home[on].push(c);
      await fetch(`${front}/api/health`);
    }
    // A bus message from an agent on one process to an agent on the other, both ways.
    const [a, b] = [home[0][0], home[1][0]];
    expect((await a.send({ agentId: b.agentId }, 'hello', { from: 'a' })).ok).toBe(true);
    expect((await b.send({ agentId: a.agentId }, 'hello', { from: 'b' })).ok).toBe(true);
    await waitFor(() => got.get(b.agentId)?.length && got.get(a.agentId)?.length, 10_000);
    expect(got.get(b.agentId)).toEqual([{ from: 'a' }]);
    expect(got.get(a.agentId)).toEqual([{ from: 'b' }]);

    // The rest of the fleet, ten at a time; an extra request after a batch that went mostly to
    // one process evens the two out.
    while (fleet.length < AGENTS) {
      await Promise.all(Array.from({ length: Math.min(10, AGENTS - fleet.length) }, agent));
      const n = await connectedOn();
      if (Math.abs(n[0] - n[1]) > 4) await fetch(`${front}/api/health`);
    }
    const split = await waitFor(
      async () => {
        const n = await connectedOn();
        return n[0] + n[1] === AGENTS && n;
      },
      10_000,
      50,
    );
    expect(setupDisconnects).toBe(0);
    expect(Math.min(...split)).toBeGreaterThan(0);

    // Work through nginx: hand-out and completion, then a SIGKILL of process B mid-stream.
    const completed = async () =>
      (await one<{ n: number }>(sql`select count(*)::int as n from tasks where type = 'nginx' and status = 'completed'`)).n;
    const creator = (async () => {
      for (let i = 0; i < TASKS; i += 20) {
        const batch = await Promise.all(
          Array.from({ length: 20 }, (_, j) =>
            api.call(
              'POST',
              '/api/v1/tasks',
              { title: `nginx ${i + j}`, departmentId: 'engineering', type: 'nginx', maxAttempts: 20 },
              { 'idempotency-key': `nginx-${i + j}` },
            ),
          ),
        );
        if (batch.some((r) => r.status !== 201)) throw new Error(`create answered ${batch.map((r) => r.status)}`);
        await sleep(100);
      }
    })();
    await waitFor(async () => (await completed()) >= TASKS / 4, 60_000, 100);
    killedAt = Date.now();
    await servers[1].stop('SIGKILL');
    // Every agent of B is connected again, through nginx, to A; A's own agents never noticed.
    await waitFor(
      async () =>
        ((await (await fetch(`${direct[0]}/api/health`)).json()) as { bus: { agentsConnected: number } }).bus.agentsConnected === AGENTS,
      30_000,
      100,
    ).catch(async (err) => {
      const stuck = fleet
        .filter((c) => !c.socket.connected)
        .map((c) => {
          const m = c.socket.io as unknown as {
            _readyState: string;
            _reconnecting: boolean;
            backoff: { attempts: number };
            engine?: { readyState: string; transport?: { name: string } };
          };
          return `${c.agentId} home=${home[0].includes(c) ? 0 : home[1].includes(c) ? 1 : '?'} active=${c.socket.active} manager=${m._readyState} reconnecting=${m._reconnecting} attempts=${m.backoff.attempts} engine=${m.engine?.readyState} tasks=${c.activeTasks} ${JSON.stringify(reconnects.get(c))}`;
        });
      throw new Error(`${err.message}: not back ${stuck.join('; ')}; nginx: ${(await nginx!.errors()).slice(-3000)}`);
    });
    const victims = fleet.filter((c) => reconnects.get(c)!.down !== undefined);
    expect(victims.length).toBe(split[1]);
    await waitFor(() => victims.every((c) => c.socket.connected && reconnects.get(c)!.up !== undefined), 10_000, 50);
    const worst = Math.max(...victims.map((c) => reconnects.get(c)!.up! - killedAt!));

    await creator;
    await waitFor(async () => (await completed()) === TASKS, 90_000, 200).catch(async (err) => {
      const left = rowsOf(
        await t!.db.execute(
          sql`select status, assigned_agent_id, attempts, updated_at from tasks where type = 'nginx' and status <> 'completed' limit 20`,
        ),
      );
      const byStatus = rowsOf(await t!.db.execute(sql`select status, count(*)::int as n from tasks where type = 'nginx' group by status`));
      throw new Error(
        `${err.message}: ${JSON.stringify(byStatus)} ${JSON.stringify(left)}; agents busy ${fleet.filter((c) => c.activeTasks).length}`,
      );
    });
    const counts = await one<Record<string, number>>(sql`
      select (select count(*)::int from tasks where type = 'nginx') as tasks,
             (select count(distinct title)::int from tasks where type = 'nginx') as distinct_titles,
             (select count(*)::int from task_events e join tasks tk on tk.id = e.task_id where tk.type = 'nginx' and e.type = 'completed') as completions,
             (select count(*)::int from (select e.task_id from task_events e join tasks tk on tk.id = e.task_id
               where tk.type = 'nginx' and e.type = 'completed' group by e.task_id having count(*) > 1) x) as twice`);
    expect(counts).toEqual({ tasks: TASKS, distinct_titles: TASKS, completions: TASKS, twice: 0 });
    expect(worst).toBeLessThan(10_000);
    console.log(
      `nginx-front: agents split ${split.join('/')} over two processes; after SIGKILL of B all ${victims.length} of its agents were back through nginx within ${worst} ms; ${TASKS} tasks each completed once (handlers ran ${completions} times)`,
    );
  });
});
