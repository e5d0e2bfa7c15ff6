/**
 * npm run bench:scale — the cost of growth: for 100, 250, 500, 1,000 and 2,000 connected
 * agents, task throughput and create→assigned latency, server CPU and RSS; the same at 1,000 agents
 * on two server processes joined by Redis; and per-agent memory at 1,000 idle agents.
 *
 *   BENCH_LEVELS=100,250,500,1000,2000 BENCH_RATE=50 BENCH_SECONDS=5 BENCH_SAT_CONCURRENCY=32
 *   BENCH_IDLE_AGENTS=1000 BENCH_SCALE_OUT_AGENTS=1000 (0 skips) BENCH_PER_FLEET=1000
 *   DATABASE_URL (admin database to make fresh ones from) REDIS_URL BENCH_SNAPSHOT=<dir> (heap snapshots)
 *
 * Servers are serve-harness processes (API + Socket.IO + loops, no page renderer) on a fresh
 * Postgres database; agents are real SDK clients in fleet processes (≤ BENCH_PER_FLEET each), spread
 * over the ten departments; tasks are created over REST by this process.
 */
import { execSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createClient } from 'redis';
import { apiAs, type ApiClient } from '@/sim/fleet';
import { machineLine, percentile } from './support/machine';
import type { Probe } from './support/probe';
import { writeSection } from './support/report';
import { Fleets as FleetProcs, type Creds, type Took } from './support/fleets';
import { startBenchServer, type BenchServer } from './support/server';
import { lineCharts } from './support/svg';

const LEVELS = (process.env.BENCH_LEVELS ?? '100,250,500,1000,2000')
  .split(',')
  .map(Number)
  .filter((n) => n > 0);
const RATE = Number(process.env.BENCH_RATE ?? 50);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SAT_CONCURRENCY = Number(process.env.BENCH_SAT_CONCURRENCY ?? 32);
const PER_FLEET = Number(process.env.BENCH_PER_FLEET ?? 1000);
const IDLE_AGENTS = Number(process.env.BENCH_IDLE_AGENTS ?? 1000);
const SCALE_OUT_AGENTS = Number(process.env.BENCH_SCALE_OUT_AGENTS ?? 1000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DRAIN_MS = 30_000;
const KiB = 1024;
const MiB = 1024 * 1024;
const kib = (bytes: number) => (bytes / KiB).toFixed(1);
const mib = (bytes: number) => (bytes / MiB).toFixed(0);
const ms = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');
const serverEnv = { AUTH_SECRET: randomBytes(48).toString('base64url'), MAX_AGENTS_PER_DEPARTMENT: '100000' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const load = () => os.loadavg()[0].toFixed(1);
let lastProgress = 0;
const progress = (s: string, force = false) => {
  if (!force && Date.now() - lastProgress < 500) return;
  lastProgress = Date.now();
  process.stdout.write(`\r\x1b[2K[bench:scale] ${s}`);
};
const say = (s: string) => process.stdout.write(`\r\x1b[2K[bench:scale] ${s}\n`);

// ---- the server process seen from outside: CPU and RSS from /proc, so measuring costs it nothing.
const TICK = Number(execSync('getconf CLK_TCK').toString()) || 100;
const PAGE = Number(execSync('getconf PAGESIZE').toString()) || 4096;
function procStat(pid: number): { cpuMs: number; rss: number } {
  const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return { cpuMs: ((Number(f[11]) + Number(f[12])) * 1000) / TICK, rss: Number(f[21]) * PAGE };
}
/** CPU of the given processes over a phase, in % of one core. */
function cpuMeter(servers: BenchServer[]) {
  const at = () => servers.reduce((n, s) => n + procStat(s.proc.pid!).cpuMs, 0);
  const [c0, t0] = [at(), performance.now()];
  return () => (100 * (at() - c0)) / (performance.now() - t0);
}
const rssOf = (servers: BenchServer[]) => servers.reduce((n, s) => n + procStat(s.proc.pid!).rss, 0);

// ---- agent fleets: child processes of SDK agents.
class Fleets extends FleetProcs {
  constructor() {
    super(PER_FLEET, (s) => progress(s));
  }
}

// ---- REST side: agents, tasks.
type Dept = { id: string; specializations: string[] };

async function setup(url: string, maxPerDept: number): Promise<{ api: ApiClient; depts: Dept[] }> {
  const api = await apiAs(url, 'admin', 'bench-admin-password');
  const depts = (await api.call('GET', '/api/v1/departments')).body.items as Dept[];
  for (const d of depts) await api.call('PATCH', `/api/v1/departments/${d.id}`, { maxAgents: maxPerDept });
  return { api, depts };
}

let agentSeq = 0;
async function createAgents(api: ApiClient, depts: Dept[], n: number): Promise<Creds[]> {
  const out: Creds[] = [];
  for (let i = 0; i < n; i += 25) {
    await Promise.all(
      Array.from({ length: Math.min(25, n - i) }, async () => {
        const d = depts[agentSeq++ % depts.length];
        const r = await api.call('POST', '/api/v1/agents', { departmentId: d.id, type: 'bench', specialization: d.specializations[0] });
        if (r.status !== 201) throw new Error(`agent create: ${r.status} ${JSON.stringify(r.body)}`);
        out.push(r.body.credentials);
      }),
    );
    progress(`agents created ${out.length}/${n}`);
  }
  return out;
}

let taskSeq = 0;
const createTask = (apis: ApiClient[], depts: Dept[]) => {
  const n = taskSeq++;
  return apis[n % apis.length]
    .call('POST', '/api/v1/tasks', { title: `scale ${n}`, departmentId: depts[n % depts.length].id, type: 'bench', payload: { t: now() } })
    .then(
      (r) => r.status === 201,
      () => false,
    );
};

type Phase = {
  created: number;
  errors: number;
  createdPerSec: number;
  completed: number;
  completedPerSec: number;
  p50: number;
  p99: number;
  cpuPct: number;
  rss: number;
  drained: boolean;
  load: string;
};

/** Waits until the agents completed `expected` tasks (or DRAIN_MS), folding takes into `acc`. */
async function drain(fleets: Fleets, acc: Took, expected: number): Promise<boolean> {
  const deadline = Date.now() + DRAIN_MS;
  for (;;) {
    const t = await fleets.take();
    acc.received += t.received;
    acc.completed += t.completed;
    acc.latencies.push(...t.latencies);
    if (acc.completed >= expected) return true;
    if (Date.now() > deadline) return false;
    progress(`draining ${acc.completed}/${expected} completed`);
    await sleep(100);
  }
}

/** Open loop: `rate` creates per second for SECONDS (at most 256 in flight), then drain. */
async function offeredPhase(servers: BenchServer[], apis: ApiClient[], depts: Dept[], fleets: Fleets, rate: number): Promise<Phase> {
  await fleets.take();
  const cpu = cpuMeter(servers);
  const total = rate * SECONDS;
  let sent = 0;
  let ok = 0;
  let inflight = 0;
  const pending: Promise<unknown>[] = [];
  const t0 = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    for (; sent < due && inflight < 256; sent++) {
      inflight++;
      pending.push(
        createTask(apis, depts).then((good) => {
          if (good) ok++;
          inflight--;
        }),
      );
    }
    progress(`${rate}/s offered: ${sent}/${total} created`);
    await sleep(5);
  }
  await Promise.all(pending);
  const secs = (performance.now() - t0) / 1000;
  const acc: Took = { received: 0, completed: 0, latencies: [], cross: [] };
  const drained = await drain(fleets, acc, ok);
  const cpuPct = cpu();
  const span = (performance.now() - t0) / 1000;
  acc.latencies.sort((a, b) => a - b);
  return {
    created: ok,
    errors: sent - ok,
    createdPerSec: ok / secs,
    completed: acc.completed,
    completedPerSec: acc.completed / span,
    p50: percentile(acc.latencies, 50),
    p99: percentile(acc.latencies, 99),
    cpuPct,
    rss: rssOf(servers),
    drained,
    load: load(),
  };
}

/** Closed loop: SAT_CONCURRENCY creators for SECONDS; throughput is what the agents completed in that window. */
async function saturationPhase(servers: BenchServer[], apis: ApiClient[], depts: Dept[], fleets: Fleets): Promise<Phase> {
  await fleets.take();
  const cpu = cpuMeter(servers);
  let ok = 0;
  let sent = 0;
  const t0 = performance.now();
  const until = t0 + SECONDS * 1000;
  const ticker = setInterval(() => progress(`saturation: ${ok} created`), 500);
  await Promise.all(
    Array.from({ length: SAT_CONCURRENCY }, async () => {
      while (performance.now() < until) {
        sent++;
        if (await createTask(apis, depts)) ok++;
      }
    }),
  );
  clearInterval(ticker);
  const secs = (performance.now() - t0) / 1000;
  const window = await fleets.take();
  const cpuPct = cpu();
  const rss = rssOf(servers);
  const acc: Took = { ...window, latencies: [...window.latencies], cross: [] };
  const drained = await drain(fleets, acc, ok);
  acc.latencies.sort((a, b) => a - b);
  return {
    created: ok,
    errors: sent - ok,
    createdPerSec: ok / secs,
    completed: window.completed,
    completedPerSec: window.completed / secs,
    p50: percentile(acc.latencies, 50),
    p99: percentile(acc.latencies, 99),
    cpuPct,
    rss,
    drained,
    load: load(),
  };
}

async function probeAll(servers: BenchServer[]): Promise<Probe> {
  const ps = await Promise.all(servers.map((s) => s.probe()));
  const sum = (k: keyof Omit<Probe, 'spaces'>) => ps.reduce((n, p) => n + p[k], 0);
  const spaces: Record<string, number> = {};
  for (const p of ps) for (const [k, v] of Object.entries(p.spaces)) spaces[k] = (spaces[k] ?? 0) + v;
  return {
    rss: sum('rss'),
    heapUsed: sum('heapUsed'),
    heapTotal: sum('heapTotal'),
    external: sum('external'),
    arrayBuffers: sum('arrayBuffers'),
    cpuMicros: sum('cpuMicros'),
    spaces,
  };
}

/**
 * Probes (full GC each time) once a second until RSS moves less than 1 MiB twice running (or 20 s):
 * after a burst of work V8 and malloc hand pages back over seconds, and a single probe would
 * count that as the agents' memory (or their absence).
 */
async function settled(server: BenchServer, what: string): Promise<Probe> {
  let last = await server.probe();
  let calm = 0;
  for (let i = 0; i < 20 && calm < 2; i++) {
    await sleep(1000);
    const p = await server.probe();
    calm = Math.abs(p.rss - last.rss) < MiB ? calm + 1 : 0;
    last = p;
    progress(`${what}: settling, RSS ${mib(p.rss)} MiB`, true);
  }
  return last;
}

// ---- 1. per-agent memory at IDLE_AGENTS idle agents.
type Idle = { agents: number; base: Probe; loaded: Probe; load: string };
async function idleMemory(): Promise<Idle> {
  const server = await startBenchServer(serverEnv, { probe: true });
  const fleets = new Fleets();
  try {
    const { api, depts } = await setup(server.url, Math.ceil(IDLE_AGENTS / 10) + 10);
    const creds = await createAgents(api, depts, IDLE_AGENTS);
    // Load the token route before the baseline, so the delta is agents and not code.
    await fetch(`${server.url}/api/v1/agents/${creds[0].agentId}/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ secret: creds[0].secret }),
    });
    const base = await settled(server, 'baseline');
    if (process.env.BENCH_SNAPSHOT)
      say(`heap snapshot (0 agents): ${await server.snapshot(path.join(process.env.BENCH_SNAPSHOT, 'idle-0.heapsnapshot'))}`);
    await fleets.add(server.url, creds);
    // Two heartbeats (5 s default), so every per-agent structure exists.
    await sleep(11_000);
    const loaded = await settled(server, `${IDLE_AGENTS} idle agents`);
    if (process.env.BENCH_SNAPSHOT)
      say(
        `heap snapshot (${IDLE_AGENTS} agents): ${await server.snapshot(path.join(process.env.BENCH_SNAPSHOT, `idle-${IDLE_AGENTS}.heapsnapshot`))}`,
      );
    return { agents: IDLE_AGENTS, base, loaded, load: load() };
  } finally {
    await fleets.stop();
    await server.stop();
  }
}

// ---- 2. the curve on one process; 3. two processes with Redis.
type Level = {
  agents: number;
  servers: number;
  connectSecs: number;
  idleCpuPct: number;
  idle: Probe;
  base: Probe;
  offered: Phase;
  sat: Phase;
};

async function measureLevel(
  servers: BenchServer[],
  apis: ApiClient[],
  depts: Dept[],
  fleets: Fleets,
  base: Probe,
  connectSecs: number,
): Promise<Level> {
  // At rest: what heartbeats and pings alone cost the server.
  const cpu = cpuMeter(servers);
  await sleep(3000);
  const idleCpuPct = cpu();
  const idle = await probeAll(servers);
  const offered = await offeredPhase(servers, apis, depts, fleets, RATE);
  const sat = await saturationPhase(servers, apis, depts, fleets);
  const l: Level = { agents: fleets.size, servers: servers.length, connectSecs, idleCpuPct, idle, base, offered, sat };
  say(
    `${l.agents} agents × ${l.servers} server: idle CPU ${idleCpuPct.toFixed(1)}%; offered ${RATE}/s → p50 ${offered.p50.toFixed(1)} p99 ${offered.p99.toFixed(1)} ms, CPU ${offered.cpuPct.toFixed(0)}%; saturated ${sat.completedPerSec.toFixed(0)} completed/s (${sat.createdPerSec.toFixed(0)} created/s) p99 ${sat.p99.toFixed(0)} ms CPU ${sat.cpuPct.toFixed(0)}%; RSS ${(idle.rss / MiB).toFixed(0)} MiB (load ${sat.load})`,
  );
  return l;
}

async function curve(): Promise<Level[]> {
  const server = await startBenchServer(serverEnv, { probe: true });
  const fleets = new Fleets();
  const out: Level[] = [];
  try {
    const { api, depts } = await setup(server.url, Math.ceil(Math.max(...LEVELS) / 10) + 10);
    const base = await settled(server, 'baseline');
    for (const n of LEVELS) {
      const t0 = performance.now();
      await fleets.add(server.url, await createAgents(api, depts, n - fleets.size));
      out.push(await measureLevel([server], [api], depts, fleets, base, (performance.now() - t0) / 1000));
    }
  } finally {
    await fleets.stop();
    await server.stop();
  }
  return out;
}

async function scaleOut(): Promise<Level> {
  const prefix = `ecs-bench-${randomBytes(4).toString('hex')}:`;
  const env = { ...serverEnv, REDIS_URL, BUS_PREFIX: prefix };
  const a = await startBenchServer(env, { probe: true });
  const b = await startBenchServer(env, { probe: true, databaseUrl: a.databaseUrl });
  const fleets = new Fleets();
  try {
    const { api: apiA, depts } = await setup(a.url, Math.ceil(SCALE_OUT_AGENTS / 10) + 10);
    const apiB = await apiAs(b.url, 'admin', 'bench-admin-password');
    await sleep(1000);
    const base = await probeAll([a, b]);
    const t0 = performance.now();
    const creds = await createAgents(apiA, depts, SCALE_OUT_AGENTS);
    const half = Math.ceil(creds.length / 2);
    await fleets.add(a.url, creds.slice(0, half));
    await fleets.add(b.url, creds.slice(half));
    return await measureLevel([a, b], [apiA, apiB], depts, fleets, base, (performance.now() - t0) / 1000);
  } finally {
    await fleets.stop();
    await b.stop();
    await a.stop();
    const r = createClient({ url: REDIS_URL });
    await r.connect();
    const keys = await r.keys(`${prefix}*`);
    if (keys.length) await r.del(keys);
    await r.quit();
  }
}

// ---- report.

function report(idle: Idle, levels: Level[], out: Level | undefined) {
  const d = (k: 'rss' | 'heapUsed' | 'heapTotal' | 'external') => (idle.loaded[k] - idle.base[k]) / idle.agents;
  const spaces = Object.keys(idle.loaded.spaces)
    .map((s) => [s, (idle.loaded.spaces[s] - (idle.base.spaces[s] ?? 0)) / idle.agents] as const)
    .filter(([, v]) => Math.abs(v) >= 0.05 * KiB)
    .sort((x, y) => y[1] - x[1]);
  const all = out ? [...levels, out] : levels;
  const row = (l: Level) =>
    `| ${l.agents} | ${l.servers} | ${l.offered.createdPerSec.toFixed(0)} | ${ms(l.offered.p50)} / ${ms(l.offered.p99)} | ${l.offered.cpuPct.toFixed(0)} | ${l.sat.createdPerSec.toFixed(0)} | ${l.sat.completedPerSec.toFixed(0)}${l.sat.drained ? '' : ' (backlog left)'} | ${ms(l.sat.p50)} / ${ms(l.sat.p99)} | ${l.sat.cpuPct.toFixed(0)} | ${l.sat.load} |`;
  const mem = (l: Level) =>
    `| ${l.agents} | ${l.servers} | ${l.connectSecs.toFixed(1)} | ${l.idleCpuPct.toFixed(1)} | ${mib(l.idle.rss)} | ${mib(l.idle.heapUsed)} | ${kib((l.idle.rss - l.base.rss) / l.agents)} | ${kib((l.idle.heapUsed - l.base.heapUsed) / l.agents)} | ${mib(l.sat.rss)} | ${l.offered.load} |`;
  const loadNow = os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
  return `Machine: ${machineLine()}. Load average (1, 5, 15 min) at the end: ${loadNow}; each row says the 1-minute load when it was taken (the machine is shared: rows with load above ~2 are noisy).
Servers: serve-harness processes (API + Socket.IO + background loops, no page renderer) on a fresh Postgres database at 127.0.0.1; agents: real SDK clients (token over REST, heartbeats every 5 s, \`task:progress\` then \`task:complete\` per task) in fleet processes of up to ${PER_FLEET}, spread over the ten departments; tasks created over REST by the bench process. Settings: ${RATE} tasks/s offered for ${SECONDS} s, saturation ${SAT_CONCURRENCY} concurrent creators for ${SECONDS} s.

### Per-agent memory at ${idle.agents} idle agents

| measure | 0 agents | ${idle.agents} idle agents | per agent | target |
|---|---|---|---|---|
| RSS | ${mib(idle.base.rss)} MiB | ${mib(idle.loaded.rss)} MiB | **${kib(d('rss'))} KiB** | < 200 KiB |
| V8 heap used after full GC | ${mib(idle.base.heapUsed)} MiB | ${mib(idle.loaded.heapUsed)} MiB | ${kib(d('heapUsed'))} KiB | |
| V8 heap committed | ${mib(idle.base.heapTotal)} MiB | ${mib(idle.loaded.heapTotal)} MiB | ${kib(d('heapTotal'))} KiB | |
| RSS outside the V8 heap | ${mib(idle.base.rss - idle.base.heapTotal)} MiB | ${mib(idle.loaded.rss - idle.loaded.heapTotal)} MiB | ${kib(d('rss') - d('heapTotal'))} KiB | |
| external (buffers) | ${mib(idle.base.external)} MiB | ${mib(idle.loaded.external)} MiB | ${kib(d('external'))} KiB | |

Heap growth per agent by V8 space: ${spaces.map(([s, v]) => `${s} ${kib(v)} KiB`).join(', ') || 'none above 0.05 KiB'}. Load ${idle.load}.
Taken inside the server process (bench/support/probe.ts, \`--expose-gc\`) after two full collections: agents are created over REST first and the token route warmed, so the baseline differs only by the ${idle.agents} connected, heart-beating sockets. RSS outside the V8 heap moves by ±20 MiB between such probes (malloc hands back, late, what the REST burst that created the agents used), so per-agent RSS is good to about ±20 KiB at ${idle.agents} agents; heap after GC is the stable figure.

### Throughput and latency vs connected agents

| agents | server processes | offered → created/s | create→assigned p50 / p99 ms | server CPU % | saturated created/s | completed/s | p50 / p99 ms | server CPU % | load |
|---|---|---|---|---|---|---|---|---|---|
${all.map(row).join('\n')}

### Memory vs connected agents

| agents | server processes | connect s | server CPU % at rest | RSS MiB (idle, before tasks) | heap MiB after GC | RSS per agent KiB | heap per agent KiB | RSS after saturation MiB | load |
|---|---|---|---|---|---|---|---|---|---|
${all.map(mem).join('\n')}

![scale curve](bench/scale.svg)

Latency runs from just before the REST create is sent to the agent's socket receiving \`task:assigned\` (wall clock, both processes on one machine). Saturated throughput counts the tasks agents completed inside the ${SECONDS} s window while ${SAT_CONCURRENCY} creators kept the server busy; its latency includes queueing behind the backlog. CPU is the server process's user + system time from /proc over the phase, in % of one core (two processes summed in the scale-out row); "at rest" is 3 s with agents connected and heart-beating, no tasks. Per-agent figures on the curve are (value − value with no agents) ÷ agents on one long-lived process, so they include what earlier levels' tasks left behind; the idle table above is the clean figure.${out ? ` The scale-out row: two processes sharing Redis (${REDIS_URL.replace(/\/\/.*@/, '//')}) and Postgres, agents split half and half, creates alternating between the two.` : ''}`;
}

function chart(levels: Level[], out: Level | undefined): string {
  const pts = (f: (l: Level) => number): [number, number][] => levels.map((l) => [l.agents, f(l)]);
  const one = (f: (l: Level) => number): [number, number][] => (out ? [[out.agents, f(out)]] : []);
  return lineCharts([
    {
      title: 'Throughput',
      xLabel: 'connected agents',
      yLabel: 'tasks/s',
      logX: true,
      series: [
        { name: 'saturated, completed/s', points: pts((l) => l.sat.completedPerSec) },
        { name: `offered ${RATE}/s, created/s`, points: pts((l) => l.offered.createdPerSec) },
        ...(out ? [{ name: '2 processes + Redis, saturated', points: one((l) => l.sat.completedPerSec) }] : []),
      ],
    },
    {
      title: 'create→assigned latency',
      xLabel: 'connected agents',
      yLabel: 'ms',
      logX: true,
      series: [
        { name: `p50 at ${RATE}/s`, points: pts((l) => l.offered.p50) },
        { name: `p99 at ${RATE}/s`, points: pts((l) => l.offered.p99) },
      ],
    },
    {
      title: 'Server memory per agent',
      xLabel: 'connected agents',
      yLabel: 'KiB per agent',
      logX: true,
      series: [
        { name: 'RSS', points: pts((l) => (l.idle.rss - l.base.rss) / l.agents / KiB) },
        { name: 'heap after GC', points: pts((l) => (l.idle.heapUsed - l.base.heapUsed) / l.agents / KiB) },
      ],
    },
    {
      title: 'Server CPU',
      xLabel: 'connected agents',
      yLabel: '% of one core',
      logX: true,
      series: [
        { name: 'at rest (heartbeats)', points: pts((l) => l.idleCpuPct) },
        { name: `at ${RATE} tasks/s`, points: pts((l) => l.offered.cpuPct) },
      ],
    },
  ]);
}

const started = performance.now();
say(`levels ${LEVELS.join(', ')}; ${RATE}/s offered; ${SECONDS} s phases; load ${load()}`);
const idle = await idleMemory();
say(
  `idle: ${kib((idle.loaded.rss - idle.base.rss) / idle.agents)} KiB RSS, ${kib((idle.loaded.heapUsed - idle.base.heapUsed) / idle.agents)} KiB heap per agent at ${idle.agents} agents (load ${idle.load})`,
);
const levels = LEVELS.length ? await curve() : [];
const out = SCALE_OUT_AGENTS > 0 ? await scaleOut() : undefined;
const body = report(idle, levels, out);
const svg = path.resolve(import.meta.dirname, '../docs/bench/scale.svg');
mkdirSync(path.dirname(svg), { recursive: true });
if (levels.length) writeFileSync(svg, chart(levels, out));
writeSection('Scale curve (`npm run bench:scale`)', body);
say(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; wrote docs/benchmarks.md and docs/bench/scale.svg`);
process.stdout.write(`\n${body}\n`);
process.exit(0);
