/**
 * npx tsx bench/scale-dispatch.ts — dispatch on 1, 2 and 3 server processes: create→assigned
 * p50/p99 at an offered rate, saturated tasks/s, where the CPU went (servers, this database's
 * Postgres backends, Redis, the machine), and how long a task created on one process takes to
 * reach a free agent connected to another.
 *
 *   BENCH_PROCESSES=1,2,3 BENCH_AGENTS=900 BENCH_RATE=200 BENCH_SECONDS=5 BENCH_SAT_CONCURRENCY=32
 *   BENCH_CROSS_AGENTS=40 BENCH_CROSS_RATE=40 BENCH_ONE_WITH_REDIS=0 BENCH_PER_FLEET=1000 BENCH_COUNT_STATEMENTS=0
 *   DATABASE_URL (admin database to make fresh ones from) REDIS_URL
 *
 * Servers are serve-harness processes on one fresh Postgres database per cluster size, joined by
 * Redis when there are two or more (one process runs without Redis, as a single-process deployment
 * does, unless BENCH_ONE_WITH_REDIS=1). Agents are SDK clients in fleet processes
 * (bench/scale-fleet.ts). Departments 2–10 carry the load, their agents spread evenly over the
 * processes, creates alternating between the processes. Department 1 is the cross-process probe:
 * its agents all connect to the last process, and its tasks are created alternately on the first
 * process (cross) and on the last (same process), so both latencies come from the same moments.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import postgres from 'postgres';
import { createClient } from 'redis';
import { apiAs, type ApiClient } from '@/sim/fleet';
import { Fleets, type Creds, type Took } from './support/fleets';
import { machineLine, percentile } from './support/machine';
import { freshDatabase } from './support/database';
import { startPgWireCounter } from './support/pg-wire-counter';
import { startBenchServer, type BenchServer } from './support/server';

const SIZES = (process.env.BENCH_PROCESSES ?? '1,2,3').split(',').map(Number);
const AGENTS = Number(process.env.BENCH_AGENTS ?? 900);
const RATE = Number(process.env.BENCH_RATE ?? 200);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const SAT = Number(process.env.BENCH_SAT_CONCURRENCY ?? 32);
const CROSS_AGENTS = Number(process.env.BENCH_CROSS_AGENTS ?? 40);
const CROSS_RATE = Number(process.env.BENCH_CROSS_RATE ?? 40);
const ONE_WITH_REDIS = process.env.BENCH_ONE_WITH_REDIS === '1';
// Counts statements on the wire (a proxy in this process: it costs this process CPU) and prints the top texts per task.
const COUNT_STATEMENTS = process.env.BENCH_COUNT_STATEMENTS === '1';
const PER_FLEET = Number(process.env.BENCH_PER_FLEET ?? 1000);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DRAIN_MS = 30_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const now = () => performance.timeOrigin + performance.now();
const say = (s: string) => process.stderr.write(`[scale-dispatch] ${s}\n`);
const f1 = (v: number) => (Number.isFinite(v) ? v.toFixed(1) : '–');

// ---- CPU from /proc: the servers, this database's Postgres backends, Redis, the whole machine.
const TICK_MS = 10;
const cpuOf = (pid: number) => {
  try {
    const s = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * TICK_MS;
  } catch {
    return 0;
  }
};
const machineBusyMs = () => {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0].split(/\s+/).slice(1).map(Number);
  return (f.reduce((a, b) => a + b, 0) - f[3] - f[4]) * TICK_MS; // all but idle and iowait
};
const redisPid = (() => {
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      if (readFileSync(`/proc/${pid}/comm`, 'utf8').trim() === 'redis-server') return Number(pid);
    } catch {}
  }
  return 0;
})();
type Cpu = { servers: number; postgres: number; redis: number; machine: number; wallMs: number; commits: number };
async function cpuMeter(servers: BenchServer[], pg: postgres.Sql) {
  const backends = async () =>
    (await pg`select pid from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()`).map((r) => Number(r.pid));
  const commits = async () =>
    Number((await pg`select xact_commit from pg_stat_database where datname = current_database()`)[0].xact_commit);
  const read = async (): Promise<{ cpu: Cpu; per: Map<number, number> }> => {
    const per = new Map((await backends()).map((p) => [p, cpuOf(p)] as const));
    return {
      per,
      cpu: {
        servers: servers.reduce((n, s) => n + cpuOf(s.proc.pid!), 0),
        postgres: [...per.values()].reduce((a, b) => a + b, 0),
        redis: redisPid ? cpuOf(redisPid) : 0,
        machine: machineBusyMs(),
        wallMs: 0,
        commits: await commits(),
      },
    };
  };
  const a = await read();
  const t0 = performance.now();
  return async (): Promise<Cpu> => {
    const b = await read();
    const wall = performance.now() - t0;
    await sleep(1200); // commit counts reach pg_stat_database about once a second
    b.cpu.commits = await commits();
    // Backends that came or went during the phase count from what they had at the other end.
    let pgMs = 0;
    for (const [pid, ms] of b.per) pgMs += ms - (a.per.get(pid) ?? 0);
    const pct = (ms: number) => (100 * ms) / wall;
    return {
      servers: pct(b.cpu.servers - a.cpu.servers),
      postgres: pct(pgMs),
      redis: pct(b.cpu.redis - a.cpu.redis),
      machine: pct(b.cpu.machine - a.cpu.machine),
      wallMs: wall,
      commits: b.cpu.commits - a.cpu.commits - 3, // less this meter's own reads
    };
  };
}

type Dept = { id: string; specializations: string[] };
type Phase = { created: number; perSec: number; completedPerSec: number; p50: number; p99: number; cpu: Cpu; load: string };
/** CPU ms per task the phase cost the servers and their Postgres backends, over `tasks` tasks. */
const msPerTask = (c: Cpu, tasks: number) => (tasks ? ((c.servers + c.postgres) / 100) * (c.wallMs / tasks) : NaN);
type Cross = { cross: { n: number; p50: number; p99: number }; same: { n: number; p50: number; p99: number } };
type Result = { processes: number; redis: boolean; offered: Phase; sat: Phase; cross?: Cross };

let seq = 0;
const createTask = (api: ApiClient, dept: Dept, p: number) =>
  api.call('POST', '/api/v1/tasks', { title: `d ${seq++}`, departmentId: dept.id, type: 'bench', payload: { t: now(), p } }).then(
    (r) => r.status === 201,
    () => false,
  );

async function drain(fleets: Fleets, acc: Took, expected: number) {
  const deadline = Date.now() + DRAIN_MS;
  for (;;) {
    const t = await fleets.take();
    acc.received += t.received;
    acc.completed += t.completed;
    acc.latencies.push(...t.latencies);
    acc.cross.push(...t.cross);
    if (acc.completed >= expected || Date.now() > deadline) return;
    await sleep(100);
  }
}

/** Open loop: `rate`/s for SECONDS; `pick(n)` says which process and department the n-th create goes to. */
async function offered(
  fleets: Fleets,
  meter: () => Promise<() => Promise<Cpu>>,
  rate: number,
  pick: (n: number) => [ApiClient, Dept, number],
) {
  await fleets.take();
  const cpu = await meter();
  const total = rate * SECONDS;
  let sent = 0;
  let ok = 0;
  const pending: Promise<unknown>[] = [];
  const t0 = performance.now();
  while (sent < total) {
    const due = Math.min(total, Math.floor(((performance.now() - t0) / 1000) * rate));
    for (; sent < due; sent++) pending.push(createTask(...pick(sent)).then((good) => good && ok++));
    await sleep(2);
  }
  await Promise.all(pending);
  const secs = (performance.now() - t0) / 1000;
  const acc: Took = { received: 0, completed: 0, latencies: [], cross: [] };
  await drain(fleets, acc, ok);
  const c = await cpu();
  return { ok, secs, acc, cpu: c };
}

async function cluster(n: number): Promise<Result> {
  const redis = n > 1 || ONE_WITH_REDIS;
  const prefix = `ecs-bench-dispatch-${randomBytes(4).toString('hex')}:`;
  const env: Record<string, string> = { AUTH_SECRET: randomBytes(48).toString('base64url'), MAX_AGENTS_PER_DEPARTMENT: '100000' };
  if (redis) Object.assign(env, { REDIS_URL, BUS_PREFIX: prefix });
  const db = await freshDatabase('dispatch');
  const u = new URL(db.url);
  const wire = COUNT_STATEMENTS ? await startPgWireCounter({ host: u.hostname, port: Number(u.port || 5432) }) : undefined;
  const servers: BenchServer[] = [];
  for (let i = 0; i < n; i++) servers.push(await startBenchServer(env, { databaseUrl: wire ? wire.via(db.url) : db.url }));
  const pg = postgres(db.url, { max: 1, onnotice: () => {} });
  const fleets = new Fleets(PER_FLEET);
  try {
    const apis = await Promise.all(servers.map((s) => apiAs(s.url, 'admin', 'bench-admin-password')));
    const depts = (await apis[0].call('GET', '/api/v1/departments')).body.items as Dept[];
    for (const d of depts) await apis[0].call('PATCH', `/api/v1/departments/${d.id}`, { maxAgents: AGENTS + CROSS_AGENTS });
    const [probe, ...load] = depts;
    const register = async (d: Dept, count: number) => {
      const out: Creds[] = [];
      for (let i = 0; i < count; i += 25)
        await Promise.all(
          Array.from({ length: Math.min(25, count - i) }, async () => {
            const r = await apis[0].call('POST', '/api/v1/agents', {
              departmentId: d.id,
              type: 'bench',
              specialization: d.specializations[0],
            });
            if (r.status !== 201) throw new Error(`agent create: ${r.status} ${JSON.stringify(r.body)}`);
            out.push(r.body.credentials);
          }),
        );
      return out;
    };
    // Every load department has agents on every process; the probe department's all on the last.
    const per = Math.ceil(AGENTS / load.length);
    for (const d of load) {
      const creds = await register(d, per);
      for (let s = 0; s < n; s++)
        await fleets.add(
          servers[s].url,
          creds.filter((_, k) => k % n === s),
          s,
        );
    }
    if (n > 1) await fleets.add(servers[n - 1].url, await register(probe, CROSS_AGENTS), n - 1);
    say(`${n} process(es)${redis ? ' + Redis' : ''}: ${fleets.size} agents connected (load ${os.loadavg()[0].toFixed(1)})`);
    await sleep(3000);
    const meter = () => cpuMeter(servers, pg);
    const loadPick = (k: number): [ApiClient, Dept, number] => [apis[k % n], load[k % load.length], k % n];

    // 1. Offered rate.
    wire?.take();
    const o = await offered(fleets, meter, RATE, loadPick);
    if (wire) {
      // Which statements a task costs here: the top texts over the phase, per task created.
      const counts = wire.take();
      say(`  statements per task: ${(counts.total / o.ok).toFixed(2)}`);
      for (const [text, k] of [...counts.byText].sort((x, y) => y[1] - x[1]).slice(0, 15)) say(`    ${(k / o.ok).toFixed(3)}  ${text}`);
    }
    o.acc.latencies.sort((a, b) => a - b);
    const off: Phase = {
      created: o.ok,
      perSec: o.ok / o.secs,
      completedPerSec: o.acc.completed / o.secs,
      p50: percentile(o.acc.latencies, 50),
      p99: percentile(o.acc.latencies, 99),
      cpu: o.cpu,
      load: os.loadavg()[0].toFixed(1),
    };
    say(
      `  ${RATE}/s offered: ${off.perSec.toFixed(0)}/s created, p50 ${f1(off.p50)} p99 ${f1(off.p99)} ms; CPU ${JSON.stringify(off.cpu)}`,
    );

    // 2. Saturation: SAT creators for SECONDS; throughput is what agents completed inside the window.
    await sleep(2000);
    await fleets.take();
    const cpu = await meter();
    let ok = 0;
    let k = 0;
    const t0 = performance.now();
    const until = t0 + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: SAT }, async () => {
        while (performance.now() < until) if (await createTask(...loadPick(k++))) ok++;
      }),
    );
    const secs = (performance.now() - t0) / 1000;
    const window = await fleets.take();
    const satCpu = await cpu();
    const acc: Took = { ...window, latencies: [...window.latencies], cross: [] };
    await drain(fleets, acc, ok);
    acc.latencies.sort((a, b) => a - b);
    const sat: Phase = {
      created: ok,
      perSec: ok / secs,
      completedPerSec: window.completed / secs,
      p50: percentile(acc.latencies, 50),
      p99: percentile(acc.latencies, 99),
      cpu: satCpu,
      load: os.loadavg()[0].toFixed(1),
    };
    say(`  saturated: ${sat.perSec.toFixed(0)} created/s, ${sat.completedPerSec.toFixed(0)} completed/s; CPU ${JSON.stringify(sat.cpu)}`);

    // 3. Cross-process: the probe department's agents are all on the last process.
    let cross: Cross | undefined;
    if (n > 1) {
      await sleep(2000);
      const c = await offered(fleets, meter, CROSS_RATE, (j) => (j % 2 ? [apis[0], probe, 0] : [apis[n - 1], probe, n - 1]));
      const crossSet = [...c.acc.cross].sort((a, b) => a - b);
      // Same-process ones: every latency not in the cross list (the lists hold the same numbers).
      const rest = [...c.acc.latencies];
      for (const x of c.acc.cross) rest.splice(rest.indexOf(x), 1);
      rest.sort((a, b) => a - b);
      const stats = (xs: number[]) => ({ n: xs.length, p50: percentile(xs, 50), p99: percentile(xs, 99) });
      cross = { cross: stats(crossSet), same: stats(rest) };
      say(`  cross-process: ${JSON.stringify(cross)}`);
    }
    return { processes: n, redis, offered: off, sat, cross };
  } finally {
    await fleets.stop();
    await pg.end();
    for (const s of servers) await s.stop();
    await wire?.close();
    await db.drop();
    if (redis) {
      const r = createClient({ url: REDIS_URL });
      await r.connect();
      const keys = await r.keys(`${prefix}*`);
      if (keys.length) await r.del(keys);
      await r.quit();
    }
  }
}

const results: Result[] = [];
for (const n of SIZES) results.push(await cluster(n));

const pct = (v: number) => v.toFixed(0);
const cpuCells = (c: Cpu) => `${pct(c.servers)} / ${pct(c.postgres)} / ${pct(c.redis)} / ${pct(c.machine)}`;
console.log(
  `Machine: ${machineLine()}; load average at the end ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}.`,
);
console.log(
  `${AGENTS} agents in 9 departments (4 slots each), ${RATE} tasks/s offered for ${SECONDS} s, saturation ${SAT} concurrent creators for ${SECONDS} s; CPU in % of one core over the phase: servers / this database's Postgres backends / Redis / the whole machine (200 % = both cores). Commits per task: transactions committed in this database over the offered phase and its drain (every process's background jobs included) ÷ tasks.`,
);
console.log('');
console.log(
  '| processes | Redis | offered → created/s | create→assigned p50 / p99 ms | CPU servers / Postgres / Redis / machine % | servers + Postgres CPU ms per task | commits per task | saturated created/s | completed/s | CPU servers / Postgres / Redis / machine % | servers + Postgres CPU ms per task | load |',
);
console.log('|---|---|---|---|---|---|---|---|---|---|---|---|');
for (const r of results)
  console.log(
    `| ${r.processes} | ${r.redis ? 'yes' : 'no'} | ${r.offered.perSec.toFixed(0)} | ${f1(r.offered.p50)} / ${f1(r.offered.p99)} | ${cpuCells(r.offered.cpu)} | ${msPerTask(r.offered.cpu, r.offered.created).toFixed(2)} | ${(r.offered.cpu.commits / r.offered.created).toFixed(2)} | ${r.sat.perSec.toFixed(0)} | ${r.sat.completedPerSec.toFixed(0)} | ${cpuCells(r.sat.cpu)} | ${msPerTask(r.sat.cpu, r.sat.completedPerSec * (r.sat.cpu.wallMs / 1000)).toFixed(2)} | ${r.sat.load} |`,
  );
const withCross = results.filter((r) => r.cross);
if (withCross.length) {
  console.log('');
  console.log(
    `Cross-process hand-outs: ${CROSS_RATE} tasks/s for ${SECONDS} s into a department whose ${CROSS_AGENTS} agents are all on the last process, created alternately on the first process (cross) and on the last (same).`,
  );
  console.log('');
  console.log('| processes | created on another process: n, p50 / p99 ms | created on the agents\u2019 process: n, p50 / p99 ms |');
  console.log('|---|---|---|');
  for (const r of withCross)
    console.log(
      `| ${r.processes} | ${r.cross!.cross.n}, ${f1(r.cross!.cross.p50)} / ${f1(r.cross!.cross.p99)} | ${r.cross!.same.n}, ${f1(r.cross!.same.p50)} / ${f1(r.cross!.same.p99)} |`,
    );
}
process.exit(0);
