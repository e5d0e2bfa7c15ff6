/**
 * npx tsx bench/scale-cluster.ts — connected agents at rest on a three-process cluster (serve-harness
 * processes on one fresh Postgres database, joined by Redis): connect time, RSS and heap per agent,
 * CPU at rest per 1,000 agents, and the heart-beat writes Postgres takes: heart-beat statements/s
 * (counted on the wire by a proxy in front of Postgres, bench/support/pg-wire-counter.ts: the
 * batched lease renewal, lib/agents/lease-renewals.ts), all statements/s, commits/s
 * (pg_stat_database.xact_commit) and rows updated/s on agents and tasks (pg_stat_user_tables), first
 * with no agent, then at each level. Also checks that any process's GET /api/v1/bus/stats counts
 * every process's agents (the cluster view).
 *
 *   BENCH_CLUSTER_AGENTS=300,900 (cumulative levels) BENCH_CLUSTER_PROCESSES=3 BENCH_REST_SECONDS=45
 *   DATABASE_URL (admin database to make a fresh one from) REDIS_URL
 *
 * Agents are Socket.IO clients in this process (bench/support/agents.ts), split evenly over the
 * processes, heart-beating at the announced interval (5 s).
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import os from 'node:os';
import postgres from 'postgres';
import { createClient } from 'redis';
import { apiAs } from '@/sim/fleet';
import { connectAgents, registerAgents, type BenchFleet } from './support/agents';
import type { Probe } from './support/probe';
import { freshDatabase } from './support/database';
import { startPgWireCounter } from './support/pg-wire-counter';
import { startBenchServer, type BenchServer } from './support/server';

const LEVELS = (process.env.BENCH_CLUSTER_AGENTS ?? '300,900')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const N = Number(process.env.BENCH_CLUSTER_PROCESSES ?? 3);
// Agents connected together renew together (every 20–25 s): a window of two rounds sees the steady rate.
const REST_S = Number(process.env.BENCH_REST_SECONDS ?? 45);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const MiB = 2 ** 20;
const TICK = Number(execSync('getconf CLK_TCK').toString().trim());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpuMs = (pid: number) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const x = f.slice(f.lastIndexOf(')') + 2).split(' ');
  return ((Number(x[11]) + Number(x[12])) * 1000) / TICK;
};

const prefix = `ecs-bench-cluster-${randomBytes(4).toString('hex')}:`;
const env = { AUTH_SECRET: randomBytes(48).toString('base64url'), MAX_AGENTS_PER_DEPARTMENT: '100000', REDIS_URL, BUS_PREFIX: prefix };
const db = await freshDatabase('cluster');
const dbUrl = new URL(db.url);
const wire = await startPgWireCounter({ host: dbUrl.hostname, port: Number(dbUrl.port || 5432) });
const servers: BenchServer[] = [];
for (let i = 0; i < N; i++) servers.push(await startBenchServer(env, { probe: true, databaseUrl: wire.via(db.url) }));
const pg = postgres(db.url, { max: 1, onnotice: () => {} });
/** Rows updated on agents and tasks, and transactions committed, in this database so far. */
const writes = async () => {
  const [r] = await pg`select
    (select coalesce(sum(n_tup_upd), 0) from pg_stat_user_tables where relname in ('agents', 'tasks'))::bigint as rows,
    (select xact_commit from pg_stat_database where datname = current_database())::bigint as commits`;
  return { rows: Number(r.rows), commits: Number(r.commits) };
};
// The batched renewal (lib/agents/lease-renewals.ts), as the counter keys statement texts.
const isBeat = (text: string) => text.startsWith('with beats as');
type Rest = { beatStatementsPerS: number; statementsPerS: number; commitsPerS: number; rowsPerS: number; pgCpuPct: number };
/** CPU ms so far of each Postgres backend serving this database. */
const backendsCpu = async () =>
  new Map(
    (await pg`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`).map(
      (r) => [Number(r.pid), cpuMs(Number(r.pid))] as const,
    ),
  );
/** REST_S seconds at rest: heart-beat statements, all statements, commits and rows updated, per second. */
async function atRest(): Promise<Rest & { cpuPct: number }> {
  const cpu0 = servers.map((s) => cpuMs(s.proc.pid!));
  await sleep(1500); // statistics reach pg_stat_* about once a second
  const w0 = await writes();
  const pg0 = await backendsCpu();
  wire.take();
  const t1 = performance.now();
  await sleep(REST_S * 1000);
  const secs = (performance.now() - t1) / 1000;
  const counts = wire.take();
  let pgMs = 0;
  for (const [pid, ms] of await backendsCpu()) pgMs += ms - (pg0.get(pid) ?? 0);
  const cpuPct = (100 * servers.reduce((a, s, i) => a + cpuMs(s.proc.pid!) - cpu0[i], 0)) / ((secs + 1.5) * 1000);
  await sleep(1500);
  const w1 = await writes();
  let beats = 0;
  for (const [text, n] of counts.byText) if (isBeat(text)) beats += n;
  return {
    beatStatementsPerS: beats / secs,
    statementsPerS: counts.total / secs,
    // Less this bench's own two reads of the statistics.
    commitsPerS: (w1.commits - w0.commits - 2) / secs,
    rowsPerS: (w1.rows - w0.rows) / secs,
    pgCpuPct: (100 * pgMs) / (secs * 1000),
    cpuPct,
  };
}
const probeAll = async () => {
  const ps = await Promise.all(servers.map((s) => s.probe()));
  return { rss: ps.reduce((a, p) => a + p.rss, 0), heapUsed: ps.reduce((a, p) => a + p.heapUsed, 0) } as Pick<Probe, 'rss' | 'heapUsed'>;
};

type Row = {
  agents: number;
  connectS: number;
  rssMiB: number;
  heapMiB: number;
  rssPerAgentKiB: number;
  heapPerAgentKiB: number;
  restCpuPct: number;
  cpuPer1000: number;
  rest: Rest;
  busConnections: number;
  processesSeen: number;
};
const rows: Row[] = [];
const fleets: BenchFleet[] = [];
let none: Rest | undefined;
try {
  const api = await apiAs(servers[0].url, 'admin', 'bench-admin-password');
  const depts = (await api.call('GET', '/api/v1/departments')).body.items as { id: string; specializations: string[] }[];
  for (const d of depts)
    await api.call('PATCH', `/api/v1/departments/${d.id}`, { maxAgents: Math.ceil(Math.max(...LEVELS) / depts.length) + 10 });
  await sleep(5000);
  const base = await probeAll();
  none = await atRest();
  console.error(JSON.stringify({ agents: 0, ...none }));
  let connected = 0;
  for (const level of LEVELS) {
    const creds = await registerAgents(servers[0].url, api, depts, level - connected, 4);
    const t0 = performance.now();
    // Evenly over the processes, each process's share connected side by side.
    await Promise.all(
      servers.map(async (s, i) =>
        fleets.push(
          await connectAgents(
            s.url,
            creds.filter((_, k) => k % N === i),
            () => {},
          ),
        ),
      ),
    );
    const connectS = (performance.now() - t0) / 1000;
    connected = level;
    // The first lease renewals come 20 s after connecting, all at once: past them, and past the
    // next round's start, so the window sees the steady rate.
    await sleep(25_000);
    const { cpuPct: restCpuPct, ...rest } = await atRest();
    const p = await probeAll();
    const bus = (await api.call('GET', '/api/v1/bus/stats')).body as { connections: number; processes: unknown[] };
    rows.push({
      agents: level,
      connectS,
      rssMiB: p.rss / MiB,
      heapMiB: p.heapUsed / MiB,
      rssPerAgentKiB: (p.rss - base.rss) / level / 1024,
      heapPerAgentKiB: (p.heapUsed - base.heapUsed) / level / 1024,
      restCpuPct,
      cpuPer1000: (restCpuPct * 1000) / level,
      rest,
      busConnections: bus.connections,
      processesSeen: bus.processes.length,
    });
    console.error(JSON.stringify(rows.at(-1)));
  }
} finally {
  fleets.forEach((f) => f.close());
  await pg.end();
  for (const s of servers) await s.stop();
  await wire.close();
  await db.drop();
  const r = createClient({ url: REDIS_URL });
  await r.connect();
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(keys);
  await r.quit();
}

console.log(
  `${N} processes, ${os.cpus().length} cores ${os.cpus()[0].model.trim()}, Node ${process.version}, load ${os.loadavg()[0].toFixed(1)} at the end, ${new Date().toISOString()}`,
);
console.log(
  '| agents | processes | connect s | RSS MiB (all processes) | heap MiB after GC | RSS per agent KiB | heap per agent KiB | CPU at rest, % of a core | CPU at rest per 1,000 agents | bus stats: connections / processes |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.agents} | ${N} | ${r.connectS.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${r.heapMiB.toFixed(0)} | ${r.rssPerAgentKiB.toFixed(1)} | ${r.heapPerAgentKiB.toFixed(1)} | ${r.restCpuPct.toFixed(1)} | ${r.cpuPer1000.toFixed(1)} | ${r.busConnections} / ${r.processesSeen} |`,
  );
console.log('');
console.log(`At rest, ${REST_S} s per level, all ${N} processes together:`);
console.log('');
console.log(
  '| agents | heartbeat statements/s | all statements/s | commits/s | agents + tasks rows updated/s | rows per agent per minute | Postgres CPU, % of a core |',
);
console.log('|---|---|---|---|---|---|---|');
const restRow = (agents: number, r: Rest) =>
  console.log(
    `| ${agents} | ${r.beatStatementsPerS.toFixed(2)} | ${r.statementsPerS.toFixed(1)} | ${r.commitsPerS.toFixed(1)} | ${r.rowsPerS.toFixed(1)} | ${agents ? ((60 * r.rowsPerS) / agents).toFixed(2) : '–'} | ${r.pgCpuPct.toFixed(1)} |`,
  );
if (none) restRow(0, none);
for (const r of rows) restRow(r.agents, r.rest);
process.exit(0);
