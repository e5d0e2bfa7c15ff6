import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { rowsOf } from '@/db/rows';
import { AgentClient } from '@/lib/agent-sdk/client';
import { sleep, waitFor } from '../../sim/fleet';
import { patientApi } from './patient-api';
import { dropRedisKeys, REDIS_URL, redisReachable } from './redis-probe';
import { spawnServer, type ServerProc } from './spawn-server';
import { freePorts } from '../../test/free-port';

/**
 * A rolling restart of a two-process deployment (one Postgres, Redis between them) under a stream
 * of work: SIGTERM process A, start it again, then the same for B. Agents know both servers (the
 * SDK's failoverUrls): told to drain, they rejoin the other process and keep their tasks. Every
 * task must complete exactly once, none lost, no allocation leaked, the audit chain intact.
 */
const redisUp = await redisReachable();

const TASKS = 400;
const AGENTS = 8;
// Fixed for the test: a restarted process comes back where its agents look for it.
const ports = (await freePorts(2)).map(String);
const prefix = `ecs-rolling-${randomUUID().slice(0, 8)}:`;

let t: TestDb | undefined;
const servers: (ServerProc | undefined)[] = [];
const fleet: AgentClient[] = [];

afterAll(async () => {
  fleet.splice(0).forEach((c) => c.stop());
  await Promise.all(servers.map((s) => s?.stop()));
  await t?.drop();
  if (redisUp) await dropRedisKeys(prefix);
});

describe.skipIf(!process.env.DATABASE_URL || !redisUp)('rolling restart of two processes', () => {
  it(`SIGTERM and restart A, then B, during ${TASKS} tasks: each completed once, nothing lost or leaked`, {
    timeout: 150_000,
  }, async () => {
    t = await createTestDb({ adminPassword: 'rolling-admin-pw-1' });
    const env = (i: number) => ({ DATABASE_URL: t!.url!, REDIS_URL, BUS_PREFIX: prefix, PORT: ports[i] });
    servers[0] = await spawnServer(env(0));
    servers[1] = await spawnServer(env(1));
    const urls = servers.map((s) => s!.url);
    let token = '';
    token = (await patientApi(urls, () => '').call('POST', '/api/v1/auth/token', { username: 'admin', password: 'rolling-admin-pw-1' }))
      .body.accessToken;
    // REST through whichever process answers, as a balancer with health checks would.
    const api = patientApi(urls, () => token);

    const drained = [0, 0];
    let disconnects = 0;
    for (let i = 0; i < AGENTS; i++) {
      const res = await api.call('POST', '/api/v1/agents', {
        type: 'worker',
        departmentId: 'engineering',
        specialization: 'backend',
        maxConcurrentTasks: 3,
      });
      expect(res.status).toBe(201);
      const home = i % 2;
      const c = new AgentClient({
        baseUrl: urls[home],
        failoverUrls: [urls[1 - home]],
        ...res.body.credentials,
        handler: async () => {
          await sleep(100 + Math.random() * 300);
          return { ok: true };
        },
      });
      // The SDK's own listener runs first and has already moved c.url to the other server.
      c.socket.on('server:draining', () => drained[1 - urls.indexOf(c.url)]++);
      c.socket.on('disconnect', () => disconnects++);
      await c.start();
      fleet.push(c);
    }

    let created = 0;
    const creator = (async () => {
      for (let i = 0; i < TASKS; i += 10) {
        const batch = await Promise.all(
          Array.from({ length: 10 }, (_, j) =>
            api.call(
              'POST',
              '/api/v1/tasks',
              {
                title: `rolling ${i + j}`,
                departmentId: 'engineering',
                type: 'rolling',
                maxAttempts: 10,
                requirements: (i + j) % 2 ? { resources: { compute: 1 } } : undefined,
              },
              { 'idempotency-key': `rolling-${i + j}` },
            ),
          ),
        );
        if (batch.some((r) => r.status !== 201)) throw new Error(`create answered ${batch.map((r) => r.status)}`);
        created += batch.length;
        await sleep(150);
      }
    })();

    const one = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t!.db.execute(q))[0];
    const completed = async () =>
      (await one<{ n: number }>(sql`select count(*)::int as n from tasks where type = 'rolling' and status = 'completed'`)).n;
    const onServer = (i: number) => fleet.filter((c) => c.socket.connected && c.url === urls[i]).length;
    const log: string[] = [];
    for (const i of [0, 1]) {
      await waitFor(async () => (await completed()) >= 40 * (i + 1), 60_000, 50);
      const stopping = servers[i]!;
      const started = Date.now();
      await stopping.stop('SIGTERM');
      expect(stopping.proc.exitCode).toBe(0);
      const stopMs = Date.now() - started;
      expect(stopMs).toBeLessThan(10_000);
      // Its agents rejoin the other process, which now carries the whole fleet.
      await waitFor(() => onServer(1 - i) === AGENTS, 20_000, 50);
      log.push(`${'AB'[i]} stopped in ${stopMs} ms, all ${AGENTS} agents on ${'BA'[i]} after ${Date.now() - started} ms`);
      await sleep(1000);
      servers[i] = await spawnServer(env(i));
    }
    await creator;
    expect(created).toBe(TASKS);
    await waitFor(async () => (await completed()) === TASKS, 60_000, 200);

    const counts = await one<Record<string, number>>(sql`
      select (select count(*)::int from tasks where type = 'rolling') as tasks,
             (select count(distinct title)::int from tasks where type = 'rolling') as distinct_titles,
             (select count(*)::int from task_events e join tasks tk on tk.id = e.task_id where tk.type = 'rolling' and e.type = 'completed') as completions,
             (select count(*)::int from allocations where status = 'active') as active_allocations,
             (select allocated from resource_pools where department_id = 'engineering' and type = 'compute') as pool`);
    expect(counts).toEqual({ tasks: TASKS, distinct_titles: TASKS, completions: TASKS, active_allocations: 0, pool: 0 });
    const requeued = await one<{ n: number }>(
      sql`select count(*)::int as n from task_events e join tasks tk on tk.id = e.task_id where tk.type = 'rolling' and e.type = 'requeued'`,
    );
    const chain = await api.call('GET', '/api/v1/audit/verify');
    expect(chain.body).toMatchObject({ ok: true });
    // Each drain reached that process's agents only: A's half once, then the whole fleet on B. With
    // the drain broadcast through Redis, stopping A also disconnected every agent on B.
    expect(drained).toEqual([AGENTS / 2, AGENTS]);
    expect(disconnects).toBe(AGENTS / 2 + AGENTS);
    console.log(
      `rolling-restart: ${log.join('; ')}; ${TASKS} tasks each completed once, ${requeued.n} re-queued, 0 active allocations, audit chain of ${chain.body.checked} rows intact`,
    );
  });
});
