/**
 * npx tsx bench/scale-cluster.ts — connected agents at rest on a three-process cluster (serve-harness
 * processes on one fresh Postgres database, joined by Redis): connect time, RSS and heap per agent,
 * CPU at rest per 1,000 agents, and the heart-beat writes Postgres takes. Also checks that any
 * process's GET /api/v1/bus/stats counts every process's agents (the cluster view).
 *
 *   BENCH_CLUSTER_AGENTS=300,900 (cumulative levels) BENCH_CLUSTER_PROCESSES=3 BENCH_REST_SECONDS=15
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
import { startBenchServer, type BenchServer } from './support/server';

const LEVELS = (process.env.BENCH_CLUSTER_AGENTS ?? '300,900')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const N = Number(process.env.BENCH_CLUSTER_PROCESSES ?? 3);
const REST_S = Number(process.env.BENCH_REST_SECONDS ?? 15);
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
const servers: BenchServer[] = [await startBenchServer(env, { probe: true })];
for (let i = 1; i < N; i++) servers.push(await startBenchServer(env, { probe: true, databaseUrl: servers[0].databaseUrl }));
const pg = postgres(servers[0].databaseUrl, { max: 1, onnotice: () => {} });
const agentWrites = async () =>
  Number((await pg`select coalesce(sum(n_tup_upd), 0)::bigint as n from pg_stat_user_tables where relname in ('agents', 'tasks')`)[0].n);
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
  beatWritesPerS: number;
  busConnections: number;
  processesSeen: number;
};
const rows: Row[] = [];
const fleets: BenchFleet[] = [];
try {
  const api = await apiAs(servers[0].url, 'admin', 'bench-admin-password');
  const depts = (await api.call('GET', '/api/v1/departments')).body.items as { id: string; specializations: string[] }[];
  for (const d of depts)
    await api.call('PATCH', `/api/v1/departments/${d.id}`, { maxAgents: Math.ceil(Math.max(...LEVELS) / depts.length) + 10 });
  await sleep(5000);
  const base = await probeAll();
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
    await sleep(6000); // a full beat interval, and the first lease renewals
    const cpu0 = servers.map((s) => cpuMs(s.proc.pid!));
    const w0 = await agentWrites();
    const t1 = performance.now();
    await sleep(REST_S * 1000);
    const secs = (performance.now() - t1) / 1000;
    const restCpuPct = (100 * servers.reduce((a, s, i) => a + cpuMs(s.proc.pid!) - cpu0[i], 0)) / (secs * 1000);
    await sleep(1500); // statistics reach pg_stat_user_tables about once a second
    const beatWritesPerS = ((await agentWrites()) - w0) / secs;
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
      beatWritesPerS,
      busConnections: bus.connections,
      processesSeen: bus.processes.length,
    });
    console.error(JSON.stringify(rows.at(-1)));
  }
} finally {
  fleets.forEach((f) => f.close());
  await pg.end();
  for (const s of servers.slice(1)) await s.stop();
  await servers[0].stop();
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
  '| agents | processes | connect s | RSS MiB (all processes) | heap MiB after GC | RSS per agent KiB | heap per agent KiB | CPU at rest, % of a core | CPU at rest per 1,000 agents | agents+tasks rows updated/s | bus stats: connections / processes |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of rows)
  console.log(
    `| ${r.agents} | ${N} | ${r.connectS.toFixed(1)} | ${r.rssMiB.toFixed(0)} | ${r.heapMiB.toFixed(0)} | ${r.rssPerAgentKiB.toFixed(1)} | ${r.heapPerAgentKiB.toFixed(1)} | ${r.restCpuPct.toFixed(1)} | ${r.cpuPer1000.toFixed(1)} | ${r.beatWritesPerS.toFixed(1)} | ${r.busConnections} / ${r.processesSeen} |`,
  );
process.exit(0);
