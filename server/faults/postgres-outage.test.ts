import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { rowsOf } from '@/db/rows';
import type { AgentClient } from '@/lib/agent-sdk/client';
import { apiAs, sleep, spawnAgent, waitFor, type ApiClient } from '../../sim/fleet';
import { spawnServer, type ServerProc } from './spawn-server';
import { startTcpProxy, type OutageMode, type TcpProxy } from './tcp-proxy';

/**
 * The database becomes unreachable for 10 s under a running server
 * process. Requests must answer 503 problem+json quickly, not hang; health says the database is
 * down; the loops log and back off without killing the process; afterwards everything works
 * again and nothing was half-written. The outage is a TCP proxy between the server and the
 * machine's Postgres, which itself is never touched.
 */
const OUTAGE_MS = 10_000;
const FAST_MS = 6_000;

let t: TestDb | undefined;
let proxy: TcpProxy | undefined;
let server: ServerProc | undefined;
const fleet: AgentClient[] = [];

afterEach(async () => {
  if (process.env.FAULT_LOG_FILE && server) (await import('node:fs')).writeFileSync(process.env.FAULT_LOG_FILE, server.lines.join('\n'));
  fleet.splice(0).forEach((c) => c.stop());
  await server?.stop();
  await proxy?.close();
  await t?.drop();
  server = proxy = t = undefined;
});

/** One request with a stopwatch; a hang shows up as an abort after 15 s, which fails the time check. */
async function timed(url: string, method: string, path: string, token: string, body?: unknown, headers: Record<string, string> = {}) {
  const started = Date.now();
  try {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      type: res.headers.get('content-type') ?? '',
      body: text ? JSON.parse(text) : undefined,
      ms: Date.now() - started,
    };
  } catch (err) {
    return { status: 0, type: '', body: String(err), ms: Date.now() - started };
  }
}

const task = (title: string) => ({ title, departmentId: 'engineering', type: 'outage', requirements: { resources: { compute: 1 } } });

describe.skipIf(!process.env.DATABASE_URL)('Postgres unreachable for 10 s', () => {
  it.each<OutageMode>(['refuse', 'blackhole'])(
    '%s: 503 within 6 s during the outage, full service after, nothing half-written',
    { timeout: 120_000 },
    async (mode) => {
      t = await createTestDb({ adminPassword: 'outage-admin-pw-1' });
      const target = new URL(t.url!);
      proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
      server = await spawnServer({ DATABASE_URL: proxy.via(t.url!) });
      const { url } = server;
      const api: ApiClient = await apiAs(url, 'admin', 'outage-admin-pw-1');

      const before = await api.call('POST', '/api/v1/tasks', task('before'));
      expect(before.status).toBe(201);

      proxy.cut(mode);
      const outageStarted = Date.now();
      const during: (Awaited<ReturnType<typeof timed>> & { path: string })[] = [];
      const health: number[] = [];
      // Keep knocking for the whole outage: reads, a write with an idempotency key, health.
      while (Date.now() - outageStarted < OUTAGE_MS - FAST_MS) {
        const [list, create, one, h] = await Promise.all([
          timed(url, 'GET', '/api/v1/tasks?limit=5', api.token),
          timed(url, 'POST', '/api/v1/tasks', api.token, task('during'), { 'idempotency-key': 'outage-during' }),
          timed(url, 'GET', `/api/v1/tasks/${before.body.id}`, api.token),
          timed(url, 'GET', '/api/health', ''),
        ]);
        during.push({ ...list, path: 'list' }, { ...create, path: 'create' }, { ...one, path: 'one' });
        health.push(h.status);
        expect(h.body?.dbReachable, JSON.stringify(h.body)).toBe(false);
      }
      await sleep(Math.max(0, OUTAGE_MS - (Date.now() - outageStarted)));
      const wrong = during.filter((r) => r.status !== 503 || r.type !== 'application/problem+json' || r.ms >= FAST_MS);
      expect(wrong.map((r) => `${r.path}: ${r.status} in ${r.ms} ms ${JSON.stringify(r.body)}`)).toEqual([]);
      expect(health.every((s) => s === 503)).toBe(true);
      expect(server.alive()).toBe(true);

      proxy.restore();
      await waitFor(async () => (await fetch(`${url}/api/health`)).status === 200, 20_000, 200);
      const list = await api.call('GET', '/api/v1/tasks?limit=5');
      expect(list.status).toBe(200);
      // The write that was refused during the outage can be retried with the same key: done once.
      const retried = await api.call('POST', '/api/v1/tasks', task('during'), { 'idempotency-key': 'outage-during' });
      expect(retried.status).toBe(201);
      const after = await api.call('POST', '/api/v1/tasks', task('after'));
      expect(after.status).toBe(201);

      fleet.push(
        await spawnAgent(url, api, { departmentId: 'engineering', specialization: 'backend', maxConcurrentTasks: 2 }, async () => {
          await sleep(20);
          return { ok: true };
        }),
      );
      const ids = [before.body.id, retried.body.id, after.body.id] as string[];
      await waitFor(
        async () => {
          const all = await Promise.all(ids.map((id) => api.call('GET', `/api/v1/tasks/${id}`)));
          return all.every((r) => r.body.status === 'completed');
        },
        30_000,
        200,
      );
      expect(server.alive()).toBe(true);

      const one = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t!.db.execute(q))[0];
      const state = await one<Record<string, number>>(sql`
      select (select count(*)::int from tasks where type = 'outage') as tasks,
             (select count(*)::int from tasks where type = 'outage' and title = 'during') as during,
             (select count(*)::int from tasks tk where not exists (select 1 from task_events e where e.task_id = tk.id and e.type = 'created')) as without_created,
             (select count(*)::int from tasks tk where tk.status = 'completed' and (select count(*) from task_events e where e.task_id = tk.id and e.type = 'completed') <> 1) as completed_not_once,
             (select count(*)::int from allocations a join tasks tk on tk.id = a.task_id where a.status = 'active' and tk.status not in ('assigned', 'running')) as leaked,
             (select count(*)::int from resource_pools p where p.allocated <> coalesce((select sum((a.resources->>p.type)::int) from allocations a
                where a.status = 'active' and a.department_id = p.department_id), 0)) as pools_off`);
      console.log(
        `postgres ${mode}: ${during.length} requests during the outage, all 503, slowest ${Math.max(...during.map((r) => r.ms))} ms`,
      );
      expect(state).toEqual({ tasks: 3, during: 1, without_created: 0, completed_not_once: 0, leaked: 0, pools_off: 0 });

      // The loops ran into the dead database, logged it and backed off. The log is buffered, so read
      // it after a clean stop (which flushes it).
      await server.stop('SIGTERM');
      expect(server.proc.exitCode).toBe(0);
      const failures = server.lines
        .filter((l) => l.includes('"loop failed"'))
        .map((l) => JSON.parse(l) as { loop: string; failures: number });
      expect(failures.length).toBeGreaterThan(0);
      // Backing off: each loop logs its first failure and then every tenth, not every tick.
      expect(failures.every((f) => f.failures === 1 || f.failures % 10 === 0)).toBe(true);
    },
  );
});
