import { rmSync } from 'node:fs';
import postgres from 'postgres';
import { afterEach, describe, expect, it } from 'vitest';
import { openDb, type DbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { copyProjected, journal, migrationsUpTo, snapshotOf, tableDigest, tablesOf, writableColumns } from '@/test/old-schema';
import { createTestDb, dropDatabaseAt, type TestDb } from '@/test/test-db';
import { AgentClient, PermanentTaskError } from '@/lib/agent-sdk/client';
import { legacyHash, GENESIS_HASH } from '@/lib/audit/chain';
import { closeWorkerPool } from '../workers/pool';
import { verifyAuditChainInPool } from '../workers/verify-audit';
import { apiAs, sleep, waitFor } from '../../sim/fleet';
import { spawnServer, type ServerProc } from './spawn-server';

/**
 * Upgrade from the previous schema, always "latest minus one": a database built by the real
 * migrations up to the one before the newest (drizzle's own migrator on the journal cut short),
 * loaded with realistic rows valid at that schema, then upgraded by db/migrate.ts as a deployed
 * server would. No row may be lost or changed, and the data must still work: the audit chain
 * verifies, users log in, agents get their held tasks back and finish them, new work completes.
 *
 * The rows come from a real workload on the current schema, each table projected on the columns
 * the older schema has (read from the database its migrations built). That covers additive migrations with no
 * work. A migration that drops or renames a NOT NULL column, or adds an enum value the workload
 * uses, makes the load fail here: then write the rows at the older schema by hand for that step.
 */
const entries = journal().entries;
const previous = entries.length - 1;
const AGENTS = 4;

let t: TestDb | undefined;
let oldUrl: string | undefined;
let old: DbHandle | undefined;
let dir: string | undefined;
const servers: ServerProc[] = [];
const fleet: AgentClient[] = [];

afterEach(async () => {
  fleet.splice(0).forEach((c) => c.stop());
  await Promise.all(servers.splice(0).map((s) => s.stop()));
  await closeWorkerPool();
  await old?.close();
  await t?.drop();
  if (oldUrl) await dropDatabaseAt(oldUrl);
  if (dir) rmSync(dir, { recursive: true, force: true });
  t = old = oldUrl = dir = undefined;
});

describe.skipIf(!process.env.DATABASE_URL || previous < 1)('migration upgrade', () => {
  it(`a database at migration ${entries[previous - 1]?.tag} with live data upgrades to ${entries[previous]?.tag}: no row lost, all of it usable`, {
    timeout: 120_000,
  }, async () => {
    // 1. Realistic rows, made by the product: completed, failed, held and queued tasks, resources
    //    granted, agents with secrets, users, audit rows.
    t = await createTestDb({ adminPassword: 'upgrade-admin-pw-1' });
    const first = await spawnServer({ DATABASE_URL: t.url! });
    servers.push(first);
    const api = await apiAs(first.url, 'admin', 'upgrade-admin-pw-1');
    let hold = false;
    const handler = async (task: { payload: unknown }) => {
      if ((task.payload as { fail?: boolean } | null)?.fail) throw new PermanentTaskError('told to fail');
      while (hold) await sleep(50);
      await sleep(20);
      return { ok: true };
    };
    const creds: { agentId: string; secret: string }[] = [];
    for (let i = 0; i < AGENTS; i++) {
      const res = await api.call('POST', '/api/v1/agents', {
        type: 'worker',
        departmentId: 'engineering',
        specialization: 'backend',
        maxConcurrentTasks: 2,
      });
      expect(res.status).toBe(201);
      creds.push(res.body.credentials);
      const c = new AgentClient({ baseUrl: first.url, ...res.body.credentials, handler });
      await c.start();
      fleet.push(c);
    }
    const create = async (n: number, extra: Record<string, unknown> = {}) => {
      for (let i = 0; i < n; i++) {
        const r = await api.call(
          'POST',
          '/api/v1/tasks',
          { title: `upgrade ${i}`, departmentId: 'engineering', type: 'upgrade', ...extra },
          { 'idempotency-key': `upgrade-${Math.random()}` },
        );
        expect(r.status).toBe(201);
      }
    };
    const count = async (db: postgres.Sql, status: string) =>
      (await db<{ n: number }[]>`select count(*)::int as n from tasks where type = 'upgrade' and status = ${status}`)[0].n;
    const src = postgres(t.url!, { max: 2, onnotice: () => {} });
    try {
      await create(20, { requirements: { resources: { compute: 1 } } });
      await waitFor(async () => (await count(src, 'completed')) === 20, 30_000, 100);
      await create(1, { payload: { fail: true } });
      await waitFor(async () => (await count(src, 'failed')) === 1, 30_000, 100);
      hold = true;
      await create(AGENTS * 2, { requirements: { resources: { compute: 1 } } });
      await waitFor(async () => (await count(src, 'running')) === AGENTS * 2, 30_000, 100);
      await create(5);
      expect(await count(src, 'pending')).toBe(5);
      fleet.splice(0).forEach((c) => c.stop());
      await first.stop('SIGKILL');

      // 2. A database at the previous schema, built by the real migrations up to it, loaded with those rows.
      const name = `${new URL(t.url!).pathname.slice(1)}_old`;
      const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
      await admin.unsafe(`create database ${name}`);
      await admin.end();
      const u = new URL(t.url!);
      u.pathname = `/${name}`;
      oldUrl = u.toString();
      old = await openDb({ url: oldUrl, max: 2 });
      dir = migrationsUpTo(previous);
      const { migrate } = await import('drizzle-orm/postgres-js/migrator');
      await migrate(old.db as never, { migrationsFolder: dir });
      const loader = postgres(oldUrl, { max: 1, onnotice: () => {} });
      const snapshot = await snapshotOf(loader);
      const before: Record<string, { rows: number; digest: string | null }> = {};
      try {
        await copyProjected(src, loader, snapshot);
        for (const table of tablesOf(snapshot)) {
          before[table] = await tableDigest(loader, table, writableColumns(snapshot, table));
          expect(before[table], table).toEqual(await tableDigest(src, table, writableColumns(snapshot, table)));
        }
        if (!writableColumns(snapshot, 'audit_log').includes('mac')) {
          // A server before row MACs chained its rows with unkeyed hashes: the upgrade must keep them verifiable as legacy.
          await chainTheOldWay(loader);
          before.audit_log = await tableDigest(loader, 'audit_log', writableColumns(snapshot, 'audit_log'));
        }
        expect((await loader<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`)[0].n).toBe(previous);
        expect(before.tasks.rows).toBeGreaterThan(30);
        expect(before.audit_log.rows).toBeGreaterThan(10);

        // 3. The upgrade, by the path a deployed server takes at start-up.
        await migrateDb(old, oldUrl);
        expect((await loader<{ n: number }[]>`select count(*)::int as n from drizzle.__drizzle_migrations`)[0].n).toBe(entries.length);
        for (const table of tablesOf(snapshot))
          expect(await tableDigest(loader, table, writableColumns(snapshot, table)), table).toEqual(before[table]);
      } finally {
        await loader.end();
      }

      // 4. Still usable: the audit chain verifies through lib/, and a server on it carries on.
      expect(await verifyAuditChainInPool(old.db)).toMatchObject({ ok: true, pending: 0 });
      const upgraded = postgres(oldUrl, { max: 2, onnotice: () => {} });
      try {
        const server = await spawnServer({ DATABASE_URL: oldUrl });
        servers.push(server);
        const api2 = await apiAs(server.url, 'admin', 'upgrade-admin-pw-1');
        const listed = await api2.call('GET', '/api/v1/tasks?limit=100');
        expect(listed.status).toBe(200);
        expect(listed.body.items.length).toBe(before.tasks.rows);
        hold = false;
        for (const c of creds) {
          const client = new AgentClient({ baseUrl: server.url, ...c, handler });
          await client.start();
          fleet.push(client);
        }
        const r = await api2.call('POST', '/api/v1/tasks', { title: 'after upgrade', departmentId: 'engineering', type: 'upgrade' });
        expect(r.status).toBe(201);
        await waitFor(async () => (await count(upgraded, 'completed')) === 20 + AGENTS * 2 + 5 + 1, 30_000, 100);
        const [end] = await upgraded<{ twice: number; active: number; pool: number }[]>`
          select (select count(*)::int from (select task_id from task_events where type = 'completed' group by 1 having count(*) > 1) x) as twice,
                 (select count(*)::int from allocations where status = 'active') as active,
                 (select allocated from resource_pools where department_id = 'engineering' and type = 'compute') as pool`;
        expect(end).toEqual({ twice: 0, active: 0, pool: 0 });
        expect((await api2.call('GET', '/api/v1/audit/verify')).body).toMatchObject({ ok: true });
        console.log(
          `migration-upgrade: ${entries[previous - 1].tag} → ${entries[previous].tag}; ${Object.values(before).reduce((s, b) => s + b.rows, 0)} rows in ${Object.keys(before).length} tables kept byte for byte; ${AGENTS * 2} held and 5 queued tasks finished after the upgrade`,
        );
      } finally {
        await upgraded.end();
      }
    } finally {
      await src.end();
    }
  });
});

/** The audit rows re-chained as a server before row MACs did it: unkeyed SHA-256 over the previous hash and the content. */
async function chainTheOldWay(db: postgres.Sql) {
  const rows = await db<Record<string, unknown>[]>`select * from audit_log order by id`;
  let prev = GENESIS_HASH;
  const links = rows.map((r) => {
    const fields = {
      at: new Date(r.at as string),
      actorType: r.actor_type as string,
      actorId: r.actor_id as string | null,
      actorName: r.actor_name as string | null,
      action: r.action as string,
      targetType: r.target_type as string | null,
      targetId: r.target_id as string | null,
      departmentId: r.department_id as string | null,
      ip: r.ip as string | null,
      outcome: r.outcome as 'success',
      detail: r.detail as Record<string, unknown>,
    };
    const hash = legacyHash(prev, fields);
    const link = { id: Number(r.id), prev, hash };
    prev = hash;
    return link;
  });
  await db`update audit_log a set prev_hash = v.prev, hash = v.hash
    from jsonb_to_recordset(${JSON.stringify(links)}::text::jsonb) as v(id bigint, prev text, hash text) where a.id = v.id`;
}
