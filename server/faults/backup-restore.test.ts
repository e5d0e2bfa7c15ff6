import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { createTestDb, dropDatabaseAt, type TestDb } from '@/test/test-db';
import { AgentClient } from '@/lib/agent-sdk/client';
import { apiAs, sleep, waitFor, type ApiClient } from '../../sim/fleet';
import { spawnServer, type ServerProc } from './spawn-server';

/**
 * Backup and restore under load: `pg_dump -Fc` of a live database while a fleet works, restored
 * into a new database, a server started on it. The restored copy must equal the dump moment's
 * snapshot, boot without migrating, verify its audit chain, and carry on: tasks in flight at the
 * dump finish (redelivered to their agent when it comes back, re-queued by the lease reaper when
 * it doesn't), and new work completes.
 */
const run = promisify(execFile);
const pgDumpOk = await run('pg_dump', ['--version']).then(
  () => true,
  () => false,
);
const AGENTS = 6;
const LEASE_MS = 4000;
const journal = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../db/migrations/meta/_journal.json'), 'utf8')) as {
  entries: unknown[];
};

// One query for "what the database holds", run in the dump's snapshot and against the restored copy.
const STATE = `
  select (select count(*)::int from tasks) as tasks,
         (select count(*)::int from tasks where status = 'completed') as completed,
         (select count(*)::int from tasks where status in ('assigned', 'running')) as in_flight,
         (select count(*)::int from tasks where status = 'pending') as pending,
         (select count(*)::int from task_events) as task_events,
         (select count(*)::int from agents) as agents,
         (select count(*)::int from allocations) as allocations,
         (select count(*)::int from allocations where status = 'active') as active_allocations,
         (select allocated from resource_pools where department_id = 'engineering' and type = 'compute') as pool,
         (select count(*)::int from audit_log) as audit_rows,
         (select count(*)::int from users) as users`;
type State = Record<string, number>;

let t: TestDb | undefined;
let restoredUrl: string | undefined;
let dir: string | undefined;
const servers: ServerProc[] = [];
const fleet: AgentClient[] = [];

afterEach(async () => {
  fleet.splice(0).forEach((c) => c.stop());
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await t?.drop();
  if (restoredUrl) await dropDatabaseAt(restoredUrl);
  if (dir) rmSync(dir, { recursive: true, force: true });
  t = restoredUrl = dir = undefined;
});

describe.skipIf(!process.env.DATABASE_URL || !pgDumpOk)('backup and restore', () => {
  it('a pg_dump taken mid-work restores to the dump moment, boots without migrating, verifies its audit chain and carries on', {
    timeout: 120_000,
  }, async () => {
    t = await createTestDb({ adminPassword: 'backup-admin-pw-1' });
    const origin = await spawnServer({ DATABASE_URL: t.url! });
    servers.push(origin);
    const api = await apiAs(origin.url, 'admin', 'backup-admin-pw-1');

    const creds: { agentId: string; secret: string }[] = [];
    const handler = async () => {
      await sleep(200 + Math.random() * 400);
      return { ok: true };
    };
    const connect = async (url: string, c: { agentId: string; secret: string }) => {
      const client = new AgentClient({ baseUrl: url, ...c, handler });
      await client.start();
      fleet.push(client);
    };
    for (let i = 0; i < AGENTS; i++) {
      const res = await api.call('POST', '/api/v1/agents', {
        type: 'worker',
        departmentId: 'engineering',
        specialization: 'backend',
        maxConcurrentTasks: 3,
      });
      expect(res.status).toBe(201);
      creds.push(res.body.credentials);
      await connect(origin.url, res.body.credentials);
    }

    // A steady stream of work, half of it holding a compute unit, every lease short.
    let creating = true;
    let made = 0;
    const createTasks = async (client: ApiClient, n: number) => {
      const res = await Promise.all(
        Array.from({ length: n }, () =>
          client.call('POST', '/api/v1/tasks', {
            title: `backup ${made}`,
            departmentId: 'engineering',
            type: 'backup',
            timeout: LEASE_MS,
            requirements: made++ % 2 ? { resources: { compute: 1 } } : undefined,
          }),
        ),
      );
      expect(res.map((r) => r.status)).toEqual(res.map(() => 201));
    };
    const creator = (async () => {
      while (creating) {
        await createTasks(api, 10);
        await sleep(250);
      }
    })();

    // The dump reads one exported snapshot, and the same snapshot answers STATE: the numbers the
    // restored copy must show, exactly. Taken once there is work in flight to carry across.
    const sqlc = postgres(t.url!, { max: 1, onnotice: () => {} });
    dir = mkdtempSync(path.join(tmpdir(), 'ecs-backup-'));
    const file = path.join(dir, 'ecs.dump');
    let atDump: State | undefined;
    let absent: string | undefined;
    try {
      await waitFor(
        async () => {
          await sleep(1500);
          return sqlc.begin('isolation level repeatable read read only', async (tx) => {
            const [{ snapshot }] = await tx<{ snapshot: string }[]>`select pg_export_snapshot() as snapshot`;
            const [state] = await tx.unsafe<State[]>(STATE);
            // The agent holding the most work at the dump will not come back after the restore.
            const [holder] = await tx<
              { id: string }[]
            >`select assigned_agent_id as id from tasks where status in ('assigned', 'running') group by 1 order by count(*) desc limit 1`;
            if (!holder || state.completed < 20) return false;
            await run('pg_dump', ['--format=custom', '--no-owner', `--snapshot=${snapshot}`, `--dbname=${t!.url}`, `--file=${file}`]);
            atDump = state;
            absent = holder.id;
            return true;
          });
        },
        60_000,
        0,
      );
    } finally {
      await sqlc.end();
    }
    creating = false;
    await creator;

    // The disaster: the fleet and the server go, the database with them.
    fleet.splice(0).forEach((c) => c.stop());
    await origin.stop('SIGKILL');

    const name = `${new URL(t.url!).pathname.slice(1)}_restored`;
    const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(t.url!);
    u.pathname = `/${name}`;
    restoredUrl = u.toString();
    await run('pg_restore', ['--no-owner', '--exit-on-error', `--dbname=${restoredUrl}`, file]);

    const restored = postgres(restoredUrl, { max: 2, onnotice: () => {} });
    try {
      const state = async () => (await restored.unsafe<State[]>(STATE))[0];
      const migrations = async () => (await restored<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`)[0].n;
      expect(await state()).toEqual(atDump);
      expect(await migrations()).toBe(journal.entries.length);

      const server = await spawnServer({ DATABASE_URL: restoredUrl });
      servers.push(server);
      // Boots on the copy without applying anything.
      expect(await migrations()).toBe(journal.entries.length);
      const api2 = await apiAs(server.url, 'admin', 'backup-admin-pw-1');
      const verify = await api2.call('GET', '/api/v1/audit/verify');
      expect(verify.status).toBe(200);
      expect(verify.body.ok).toBe(true);

      for (const c of creds) if (c.agentId !== absent) await connect(server.url, c);
      await createTasks(api2, 10);
      const total = atDump!.tasks + 10;
      await waitFor(async () => (await state()).completed === total, 60_000, 200);

      const [end] = await restored.unsafe<State[]>(`
        select (select count(*)::int from (select task_id from task_events where type = 'completed' group by 1 having count(*) > 1) x) as twice,
               (select count(*)::int from task_events where type = 'completed') as completions,
               (select count(*)::int from allocations where status = 'active') as active_allocations,
               (select allocated from resource_pools where department_id = 'engineering' and type = 'compute') as pool`);
      expect(end).toEqual({ twice: 0, completions: total, active_allocations: 0, pool: 0 });
      // What the absent agent held at the dump went back to the queue: its attempts ran past the
      // tasks' timeout (or, for one without, its lease ran out).
      const [reaped] = await restored<{ n: number }[]>`
        select count(*)::int as n from task_events
        where agent_id = ${absent!} and ((type = 'retry-scheduled' and detail->>'reason' = 'timeout') or (type = 'requeued' and detail->>'reason' = 'lease expired'))`;
      expect(reaped.n).toBeGreaterThan(0);
      const again = await api2.call('GET', '/api/v1/audit/verify');
      expect(again.body).toMatchObject({ ok: true });
      console.log(
        `backup-restore: dump at ${atDump!.tasks} tasks (${atDump!.completed} completed, ${atDump!.in_flight} in flight, ${atDump!.audit_rows} audit rows); restored copy equal; ${reaped.n} of the absent agent's tasks re-queued (timed out); all ${total} completed once; audit chain of ${again.body.checked} rows intact`,
      );
    } finally {
      await restored.end();
    }
  });
});
