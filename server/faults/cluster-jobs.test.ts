import { afterAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { resourceChanges, resourcePools } from '@/db/schema/org';
import { metricSamples } from '@/db/schema/work';
import type { JobStatus } from '@/lib/health';
import { getPool, makeTask, setPool } from '@/test/resource-fixtures';
import { sleep, waitFor } from '../../sim/fleet';
import { patientApi } from './patient-api';
import { dropRedisKeys, REDIS_URL, redisReachable } from './redis-probe';
import { spawnServer, type ServerProc } from './spawn-server';

/**
 * Three server processes on one Postgres (and Redis when there is one), every background job
 * started in each. Jobs that change shared state must run in one process at a time, and move to
 * another within seconds when that one is killed.
 */
const redisUp = await redisReachable();
const prefix = `ecs-cluster-jobs-${randomUUID().slice(0, 8)}:`;
const PASSWORD = 'cluster-jobs-admin-pw-1';
const AUDIT_WRITES = 1000;

let t: TestDb | undefined;
const servers: ServerProc[] = [];

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
  await t?.drop();
  if (redisUp) await dropRedisKeys(prefix);
});

type Status = { jobs: JobStatus[] };

describe.skipIf(!process.env.DATABASE_URL)(
  'background jobs on a three-process cluster (needs DATABASE_URL: several processes on one Postgres)',
  () => {
    it('runs each once-per-cluster job in one process, hands it over within 10 s of a SIGKILL, moves capacity once and keeps the audit chain whole', {
      timeout: 240_000,
    }, async () => {
      t = await createTestDb({ adminPassword: PASSWORD });
      const db = t.db;

      // A rebalance waiting to happen (as in lib/resources/rebalance.test.ts): Analytics full with 15
      // units queued, Research holding borrowed units it doesn't use, no free reserve.
      await setPool(db, 'analytics', 'analytics', { guaranteed: 10, maximum: 40, capacity: 10, allocated: 10 });
      const [{ others }] = (await db
        .select({ others: sql<number>`coalesce(sum(capacity), 0)::int` })
        .from(resourcePools)
        .where(sql`type = 'analytics' and department_id not in ('analytics', 'research')`)) as { others: number }[];
      await setPool(db, 'research', 'analytics', { guaranteed: 5, maximum: 100, capacity: 100 - 10 - others, allocated: 0 });
      for (const n of [5, 10]) await makeTask(db, 'analytics', { priority: 'high', resources: { analytics: n } });

      const env: Record<string, string> = {
        DATABASE_URL: t.url!,
        REBALANCE_INTERVAL: '1000',
        RESOURCE_CHECK_INTERVAL: '1000',
        AUTO_SCALING: 'false',
      };
      if (redisUp) Object.assign(env, { REDIS_URL, BUS_PREFIX: prefix });
      // Started side by side: the database is migrated and seeded already, so their start-ups only check.
      servers.push(...(await Promise.all([0, 1, 2].map(() => spawnServer(env)))));

      const urls = servers.map((s) => s.url);
      const login = await patientApi(urls, () => '').call('POST', '/api/v1/auth/token', { username: 'admin', password: PASSWORD });
      const token = login.body.accessToken as string;
      const statusOf = async (s: ServerProc): Promise<JobStatus[]> => {
        const res = await fetch(`${s.url}/api/v1/status`, { headers: { authorization: `Bearer ${token}` } });
        return ((await res.json()) as Status).jobs;
      };
      const clusterJobs = (await statusOf(servers[0])).filter((j) => j.scope === 'once-per-cluster').map((j) => j.name);
      expect(clusterJobs).toEqual(
        expect.arrayContaining([
          'stale-agents',
          'attempt-timeouts',
          'dependency-sweep',
          'resources.resource check',
          'resources.rebalance',
          'metrics.rollup-levels',
          'metrics.prune',
          'alerts',
        ]),
      );
      /** For each once-per-cluster job, the processes (indexes into `among`) that say they lead it. */
      const leaders = async (among: ServerProc[]) => {
        const all = await Promise.all(among.map(statusOf));
        return Object.fromEntries(
          clusterJobs.map((name) => [name, all.flatMap((jobs, i) => (jobs.find((j) => j.name === name)!.leader ? [i] : []))]),
        );
      };
      const oneLeaderEach = (l: Record<string, number[]>) => Object.values(l).every((ps) => ps.length === 1);

      // 1,000 audited writes, spread round the three processes, 20 at a time.
      let next = 0;
      const writer = async () => {
        for (let i = next++; i < AUDIT_WRITES; i = next++) {
          const res = await fetch(`${urls[i % 3]}/api/v1/departments/legal`, {
            method: 'PATCH',
            headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
            body: JSON.stringify({ description: `note ${i}` }),
          });
          expect(res.status).toBe(200);
        }
      };
      await Promise.all(Array.from({ length: 20 }, writer));

      // Each once-per-cluster job: one leader, and only the leader ever ran it.
      // (Waited for: a process whose check is late on a loaded machine stops counting itself leader for a moment.)
      const before = await waitFor(
        async () => {
          const l = await leaders(servers);
          return oneLeaderEach(l) && l;
        },
        10_000,
        200,
      );
      const all = await Promise.all(servers.map(statusOf));
      for (const name of clusterJobs) {
        const runs = all.map((jobs) => jobs.find((j) => j.name === name)!.runs);
        const leader = before[name][0];
        expect(
          runs.filter((_, i) => i !== leader),
          name,
        ).toEqual([0, 0]);
      }
      expect(all[before['attempt-timeouts'][0]].find((j) => j.name === 'attempt-timeouts')!.runs).toBeGreaterThan(3);
      // Jobs that serve a process's own sockets run everywhere.
      for (const jobs of all) expect(jobs.find((j) => j.name === 'dispatch-sweep')).toMatchObject({ scope: 'every-process', leader: true });

      // The rebalance moved 15 units to Analytics once, though three processes ran its loop every second.
      await waitFor(async () => (await getPool(db, 'analytics', 'analytics')).capacity === 25, 20_000, 200);
      await sleep(3_000);
      const changes = await db
        .select()
        .from(resourceChanges)
        .where(and(eq(resourceChanges.type, 'analytics'), eq(resourceChanges.departmentId, 'analytics')));
      expect(changes.map((c) => [c.capacityBefore, c.capacityAfter])).toEqual([[10, 25]]);
      expect((await getPool(db, 'analytics', 'analytics')).capacity).toBe(25);

      // SIGKILL the leader: its session dies with it, Postgres frees its locks, another process leads.
      const leaderIdx = before['attempt-timeouts'][0];
      const killed = servers[leaderIdx];
      const rest = servers.filter((s) => s !== killed);
      const killedAt = Date.now();
      await killed.stop('SIGKILL');
      await waitFor(async () => oneLeaderEach(await leaders(rest)), 10_000, 100);
      const tookOverMs = Date.now() - killedAt;
      console.log(`cluster jobs: took over ${tookOverMs} ms after SIGKILL of the leader`);
      expect(tookOverMs).toBeLessThan(10_000);
      // And the new leader runs them: the timeout sweep's pass count grows there.
      const heir = rest[(await leaders(rest))['attempt-timeouts'][0]];
      const runsThen = (await statusOf(heir)).find((j) => j.name === 'attempt-timeouts')!.runs;
      await waitFor(async () => (await statusOf(heir)).find((j) => j.name === 'attempt-timeouts')!.runs > runsThen, 10_000, 200);

      const verify = await fetch(`${heir.url}/api/v1/audit/verify`, { headers: { authorization: `Bearer ${token}` } });
      expect(verify.status).toBe(200);
      expect(await verify.json()).toMatchObject({ ok: true });

      // Levels roll up once per minute for the whole cluster, whoever leads (not three rows a minute).
      const levelRows = () =>
        db
          .select({ at: metricSamples.at, n: sql<number>`count(*)::int` })
          .from(metricSamples)
          .where(and(eq(metricSamples.name, 'queue_depth'), sql`${metricSamples.departmentId} is null`))
          .groupBy(metricSamples.at);
      await waitFor(async () => (await levelRows()).length > 0, 70_000, 500);
      const perMinute = await levelRows();
      expect(
        perMinute.every((r) => r.n === 1),
        JSON.stringify(perMinute),
      ).toBe(true);
    });
  },
);
