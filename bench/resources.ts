/**
 * Grant latency under concurrency, on a real Postgres (DATABASE_URL, default the local server).
 * CONCURRENCY clients loop for DURATION_MS each: grant one unit in its own transaction
 * (grantInTx, what dispatch and POST /allocations do), then release it. Clients are spread over
 * every seeded pool, as real requests are spread over departments and kinds. A second, shorter
 * phase times the whole allocate() lib call (lookups, grant, audit row). Results go to
 * docs/benchmarks.md, replacing this benchmark's previous section.
 *
 *   npm run bench:resources   (CONCURRENCY=200 DURATION_MS=15000 POOL_MAX=20)
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import postgres from 'postgres';
import { openDb, setDbHandle } from '@/db/client';
import { migrateDb } from '@/db/migrate';
import { seed } from '@/server/seed';
import { resourcePools } from '@/db/schema/org';
import { agents } from '@/db/schema/work';
import { principalOf } from '@/test/principals';
import { releaseAllocationInTx } from '@/lib/resources/grants';
import { grantNow } from '@/lib/resources/fast-grant';
import { allocate } from '@/lib/allocations/allocations';

const base = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
const concurrency = Number(process.env.CONCURRENCY ?? 200);
const durationMs = Number(process.env.DURATION_MS ?? 15_000);
const poolMax = Number(process.env.POOL_MAX ?? 20);
// Paced phase: each client asks once per PACE_MS (an open loop, like agents taking tasks).
const paceMs = Number(process.env.PACE_MS ?? 1000);

async function main() {
  const name = `ecs_bench_${randomBytes(4).toString('hex')}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  const url = Object.assign(new URL(base), { pathname: `/${name}` }).toString();
  const handle = await openDb({ url, max: poolMax });
  setDbHandle(handle);
  try {
    await migrateDb(handle, url);
    await seed(handle.db, { adminUsername: 'admin', adminPassword: 'bench-admin-password-1' });
    const db = handle.db;
    // Room for every client at once, so the bench times grants rather than refusals.
    await db.update(resourcePools).set({ capacity: 1_000_000, maximum: 1_000_000 });
    const pools = await db.select({ departmentId: resourcePools.departmentId, type: resourcePools.type }).from(resourcePools);
    const agentOf = new Map<string, string>();
    for (const d of new Set(pools.map((p) => p.departmentId))) {
      const [a] = await db
        .insert(agents)
        .values({ departmentId: d, name: `bench-${d}`, type: 'bench', specialization: 'bench', secretHash: 'x', status: 'idle' })
        .returning();
      agentOf.set(d, a.id);
    }

    const grantOnce = async (i: number) => {
      const p = pools[i % pools.length];
      const t0 = performance.now();
      const row = await grantNow(db, {
        agentId: agentOf.get(p.departmentId)!,
        departmentId: p.departmentId,
        resources: { [p.type]: 1 },
        priority: 'medium',
      });
      const ms = performance.now() - t0;
      await db.transaction((tx) => releaseAllocationInTx(tx, row.id));
      return ms;
    };
    // Open every pooled connection and warm the plans before timing anything.
    for (let r = 0; r < 5; r++) await Promise.all(Array.from({ length: poolMax * 2 }, (_, i) => grantOnce(i)));
    const paced = await phase(`grant, ${concurrency} clients each once per ${paceMs} ms`, durationMs, grantOnce, paceMs);
    const saturated = await phase(`grant, ${concurrency} clients back to back (saturation)`, Math.min(durationMs, 5000), grantOnce);
    const principal = principalOf('super-admin');
    const full = await phase(
      `allocate() incl. audit, ${concurrency} clients each once per ${paceMs} ms`,
      Math.min(durationMs, 5000),
      async (i) => {
        const p = pools[i % pools.length];
        const t0 = performance.now();
        const a = await allocate(db, principal, { agentId: agentOf.get(p.departmentId)!, resources: { [p.type]: 1 }, priority: 'medium' });
        const ms = performance.now() - t0;
        await db.transaction((tx) => releaseAllocationInTx(tx, a.id));
        return ms;
      },
      paceMs,
    );
    report([paced, saturated, full], pools.length);
  } finally {
    setDbHandle(undefined);
    await handle.close();
    await admin.unsafe(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

type Result = { label: string; n: number; p50: number; p99: number; max: number; perSecond: number };

async function phase(label: string, ms: number, op: (i: number) => Promise<number>, pace = 0): Promise<Result> {
  const lat: number[] = [];
  const end = Date.now() + ms;
  const started = Date.now();
  const progress = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    process.stderr.write(
      `\r${label}: ${lat.length} grants in ${s.toFixed(0)} s (${Math.round(lat.length / s)}/s), p99 so far ${pct(lat, 0.99).toFixed(2)} ms   `,
    );
  }, 1000);
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      // Paced clients start spread over one period, then keep their own schedule.
      let next = Date.now() + (pace ? Math.random() * pace : 0);
      for (let i = c; Date.now() < end; i += concurrency) {
        if (pace) {
          await sleep(next - Date.now());
          next += pace;
          if (Date.now() >= end) break;
        }
        lat.push(await op(i));
      }
    }),
  );
  clearInterval(progress);
  process.stderr.write('\n');
  const secs = (Date.now() - started) / 1000;
  return { label, n: lat.length, p50: pct(lat, 0.5), p99: pct(lat, 0.99), max: Math.max(...lat), perSecond: lat.length / secs };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, Math.max(0, ms)));

function pct(xs: number[], q: number): number {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
}

function report(results: Result[], poolCount: number) {
  const cpu = /model name\s*:\s*(.+)/.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? os.cpus()[0]?.model ?? 'unknown';
  const commit = (() => {
    try {
      return execSync('git rev-parse --short HEAD', { encoding: 'utf8' }).trim();
    } catch {
      return 'unknown';
    }
  })();
  const pgVersion = execSafe(`psql "${base}" -Atc "show server_version"`);
  const rows = results.map(
    (r) =>
      `| ${r.label} | ${r.n} | ${r.perSecond.toFixed(0)} | ${r.p50.toFixed(2)} | ${r.p99.toFixed(2)} | ${r.max.toFixed(1)} | ${r.p99 < 10 ? 'yes' : 'no'} |`,
  );
  const section = [
    '<!-- bench:resources -->',
    '## Resource grants (`npm run bench:resources`)',
    '',
    `${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC · commit ${commit} · ${os.cpus().length} cores (nproc), ${cpu} · Postgres ${pgVersion} on the same machine · Node ${process.version}`,
    '',
    `${concurrency} concurrent clients, a postgres.js pool of ${POOL()} connections, grants of 1 unit spread over ${poolCount} pools (every seeded department and kind), each released right after. Latency is one grant (\`grantNow\`: the conditional UPDATE of the pool row and the allocation INSERT in one statement), including the wait for a pooled connection. Paced: each client asks once per ${paceMs} ms for ${durationMs / 1000} s (offered load ${Math.round((concurrency * 1000) / paceMs)}/s). Saturation: every client asks again as soon as it is answered, so latency there is mostly queueing (Little's law: clients ÷ throughput). The last row times the whole \`allocate()\` lib call (agent and task lookups, grant, hash-chained audit row). Target: p99 under 10 ms. Load average at the start: ${os.loadavg()[0].toFixed(1)} (the machine is shared).`,
    '',
    '| what | grants | per second | p50 ms | p99 ms | max ms | p99 < 10 ms |',
    '|---|---|---|---|---|---|---|',
    ...rows,
    '<!-- /bench:resources -->',
  ].join('\n');
  const file = 'docs/benchmarks.md';
  mkdirSync('docs', { recursive: true });
  const old = existsSync(file)
    ? readFileSync(file, 'utf8')
    : '# Benchmarks\n\nNumbers measured on the project machine; each script replaces its own section.\n';
  const next = /<!-- bench:resources -->[\s\S]*<!-- \/bench:resources -->/.test(old)
    ? old.replace(/<!-- bench:resources -->[\s\S]*<!-- \/bench:resources -->/, section)
    : `${old.trimEnd()}\n\n${section}\n`;
  writeFileSync(file, next);
  console.log(section);
}

const POOL = () => poolMax;

function execSafe(cmd: string): string {
  try {
    return execSync(cmd, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return 'unknown';
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
