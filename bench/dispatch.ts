// npm run bench:dispatch — create→assigned latency at a fixed offered load and assignments/s at
// saturation, with 500 connected agents, against real Postgres (DATABASE_URL or the local server).
// Knobs for exploring (the recorded run uses the defaults): BENCH_AGENTS, BENCH_RATE, BENCH_SECONDS,
// BENCH_WARM_SECONDS, BENCH_SAT_TASKS, DB_POOL_SIZE; BENCH_DUMP=file writes [send ms, latency ms]
// per measured task; BENCH_SERVER_NODE_ARGS and BENCH_SERVER_LOG (bench/support/server.ts).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import postgres from 'postgres';
import { apiAs } from '@/sim/fleet';
import { machineLine, percentile } from './support/machine';
import { benchNotes, writeSection } from './support/report';
import { startBenchServer } from './support/server';
import { connectAgents, registerAgents } from './support/agents';
import { keepAliveClient } from './support/http-client';
import { cpuDelta, cpuSnapshot } from './support/cpu';
import { commitLatency, formatWaits, samplePgWaits } from './support/pg-waits';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 500);
const RATE = Number(process.env.BENCH_RATE ?? 500);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const SATURATION_TASKS = Number(process.env.BENCH_SAT_TASKS ?? 20_000);
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 5);
let lastProgress = 0;
const progress = (s: string) => {
  if (Date.now() - lastProgress < 500) return;
  lastProgress = Date.now();
  process.stdout.write(`\r\x1b[2K[bench:dispatch] ${s}`);
};

const loadAtStart = os.loadavg()[0];
// 4 connections, as README advises for a small machine sharing its cores with Postgres: lower tails
// than the default 10 here (A/B in the report). It once stalled the saturation phase: that was
// postgres.js running BEGIN on an unreserved connection (fixed, db/pipelined-begin.test.ts).
const POOL = process.env.DB_POOL_SIZE ?? '4';
const server = await startBenchServer({ DB_POOL_SIZE: POOL }, { probe: true });
try {
  const api = await apiAs(server.url, 'admin', 'bench-admin-password');
  const creator = keepAliveClient(server.url, api.token);
  const depts = (await api.call('GET', '/api/v1/departments')).body.items as { id: string; specializations: string[] }[];
  for (const d of depts) await api.call('PATCH', `/api/v1/departments/${d.id}`, { maxAgents: AGENTS });

  const sentAt = new Map<number, number>();
  const latencies: number[] = [];
  const slowest: number[] = []; // per second of the measured phase, by create time
  const timeline: [number, number][] = []; // [ms after the phase began, latency ms], for BENCH_DUMP
  let started = 0;
  const answered: number[] = []; // create request → its 201
  const creds = await registerAgents(server.url, api, depts, AGENTS, 4, (n) => progress(`agents registered ${n}/${AGENTS}`));
  const fleet = await connectAgents(
    server.url,
    creds,
    (task) => {
      const seq = task.payload?.seq as number | undefined;
      if (seq === undefined || !sentAt.has(seq)) return;
      const ms = performance.now() - sentAt.get(seq)!;
      latencies.push(ms);
      timeline.push([sentAt.get(seq)! - started, ms]);
      const second = Math.floor((sentAt.get(seq)! - started) / 1000);
      slowest[second] = Math.max(slowest[second] ?? 0, ms);
    },
    (n) => progress(`agents connected ${n}/${AGENTS}`),
  );
  const sockets = fleet.sockets;

  progress('measuring a lone commit');
  const commit = await commitLatency(server.databaseUrl);

  /**
   * Open loop through the public API: `count` creates at `rate` a second, paced by the clock. At
   * most 256 requests in flight: past that the server is saturated, and the report says so
   * (achieved rate below offered) instead of the client drowning it in sockets. Only measured
   * tasks carry a `seq` (the agents' callback times those).
   */
  const offer = async (count: number, rate: number, measured: boolean, label: string) => {
    let n = 0;
    let errors = 0;
    const t0 = performance.now();
    const inflight: Promise<unknown>[] = [];
    let inflightNow = 0;
    while (n < count) {
      const due = Math.min(count, Math.floor(((performance.now() - t0) / 1000) * rate));
      while (n < due && inflightNow < 256) {
        const k = n++;
        inflightNow++;
        const d = depts[k % depts.length];
        if (measured) sentAt.set(k, performance.now());
        inflight.push(
          creator
            .call('POST', '/api/v1/tasks', {
              title: `bench ${label} ${k}`,
              departmentId: d.id,
              type: 'bench',
              payload: measured ? { seq: k } : { warmUp: k },
            })
            .then(
              (r) => {
                if (measured) answered.push(performance.now() - sentAt.get(k)!);
                if (r.status !== 201) errors++;
              },
              () => errors++,
            )
            .finally(() => inflightNow--),
        );
      }
      progress(`${label}: offered ${n}/${count} tasks${measured ? `, ${latencies.length} assigned` : ''}`);
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inflight);
    return { errors, secs: (performance.now() - t0) / 1000 };
  };

  // Warm-up, unmeasured: a fresh process compiles its hot paths (JIT), opens its connections and
  // prepares its statements during the first seconds under load, and on this machine that alone
  // held the first 3 s of a cold run at 150–1,300 ms. What the target describes is a running server.
  const warmCount = RATE * WARM_SECONDS;
  if (warmCount) {
    const doneBefore = fleet.stats.completed;
    await offer(warmCount, RATE, false, 'warm-up');
    const until = Date.now() + 30_000;
    while (fleet.stats.completed - doneBefore < warmCount && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 1000));
  }

  // Phase 1: fixed offered load through the public API.
  const total = RATE * SECONDS;
  const pgSampler = await samplePgWaits(server.databaseUrl);
  await server.loopDelay();
  started = performance.now();
  const cpuBefore = cpuSnapshot(server.proc.pid);
  const clientLoop = monitorEventLoopDelay({ resolution: 2 });
  clientLoop.enable();
  const { errors: createErrors, secs: offeredSecs } = await offer(total, RATE, true, 'measured');
  const deadline = Date.now() + 30_000;
  while (latencies.length < total - createErrors && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  const cpu = cpuDelta(cpuBefore, cpuSnapshot(server.proc.pid));
  const pgWaits = await pgSampler.stop();
  const loop = await server.loopDelay();
  clientLoop.disable();
  const wallMs = performance.now() - started;
  const perTask = (ms: number) => (ms / total).toFixed(2);
  // BENCH_DUMP=file keeps every measured task's send time and latency, to see how the slow ones cluster.
  if (process.env.BENCH_DUMP) writeFileSync(process.env.BENCH_DUMP, JSON.stringify(timeline));
  latencies.sort((a, b) => a - b);
  answered.sort((a, b) => a - b);
  const created = { p50: percentile(answered, 50) ?? NaN, p99: percentile(answered, 99) ?? NaN };
  const lat = { p50: percentile(latencies, 50) ?? NaN, p99: percentile(latencies, 99) ?? NaN, max: latencies[latencies.length - 1] ?? NaN };

  // Phase 2: saturation. A backlog appears at once; agents complete instantly; count hand-outs/s.
  progress(`saturation: inserting ${SATURATION_TASKS} tasks`);
  const sql = postgres(server.databaseUrl, { max: 2, onnotice: () => {} });
  const per = Math.ceil(SATURATION_TASKS / depts.length);
  const satStart = new Date();
  for (const d of depts) {
    await sql`insert into tasks (title, department_id, type, priority, priority_rank)
      select 'sat ' || g, ${d.id}, 'saturation', 'medium', 2 from generate_series(1, ${per}) g`;
  }
  // No progress for 30 s is a stall, not a slow run: say what is stuck and fail rather than wait for ever.
  let lastLeft = -1;
  let movedAt = Date.now();
  for (;;) {
    const [{ left }] = await sql`select count(*)::int as left from tasks where type = 'saturation' and status <> 'completed'`;
    progress(`saturation: ${per * depts.length - left}/${per * depts.length} completed`);
    if (left === 0) break;
    if (left !== lastLeft) [lastLeft, movedAt] = [left, Date.now()];
    else if (Date.now() - movedAt > 30_000) {
      const stuck =
        await sql`select status, count(*)::int as n from tasks where type = 'saturation' and status <> 'completed' group by status`;
      // The story of a few stuck tasks, so a stall names its cause.
      const stories =
        await sql`select t.id, t.assigned_agent_id as agent, t.assigned_at::text as at, string_agg(e.type || coalesce(' ' || e.agent_id, '') || coalesce(' ' || (e.detail->>'reason'), ''), ' → ' order by e.id) as story
        from (select * from tasks where type = 'saturation' and status <> 'completed' limit 3) t join task_events e on e.task_id = t.id group by t.id, t.assigned_agent_id, t.assigned_at`;
      await sql.end();
      throw new Error(
        `saturation stalled: ${left} tasks not completed for 30 s (${stuck.map((r) => `${r.n} ${r.status}`).join(', ')}); agents received ${fleet.stats.assigned} hand-outs, ${fleet.stats.completed} completions acknowledged, ${fleet.stats.refused} refused\n` +
          stories.map((r) => `  task ${r.id} (now ${r.agent ?? 'unassigned'}, assigned at ${r.at}): ${r.story}`).join('\n'),
      );
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  const [span] = await sql`select extract(epoch from max(assigned_at) - min(assigned_at))::float8 as secs, count(*)::int as n,
    extract(epoch from min(assigned_at) - ${satStart})::float8 as first_after from tasks where type = 'saturation'`;
  await sql.end();
  const perSecond = span.n / span.secs;
  fleet.close();

  const verdict = (ok: boolean) => (ok ? '**met**' : '**missed**');
  const rateOk = total / offeredSecs >= RATE * 0.95;
  const body = `Machine: ${machineLine()}. Load average (1 min) at the start: ${loadAtStart.toFixed(1)}, at the end: ${os.loadavg()[0].toFixed(1)} (other work on the machine makes every figure a floor). Server: the API + Socket.IO process (the production API door, no page renderer) on Postgres 15 at 127.0.0.1, \`DB_POOL_SIZE=${POOL}\`; clients in a second process.

| measure | result | target |
|---|---|---|
| connected agents | ${sockets.length} | 500 |
| offered load | ${RATE} tasks/s for ${SECONDS} s via \`POST /api/v1/tasks\`, after ${WARM_SECONDS} s unmeasured at the same rate (${(total / offeredSecs).toFixed(0)}/s achieved, ${createErrors} errors) | 500/s |
| create→assigned latency p50 | ${lat.p50.toFixed(1)} ms | |
| create→assigned latency p99 | ${lat.p99.toFixed(1)} ms (max ${lat.max.toFixed(1)} ms) | < 25 ms: ${verdict(rateOk && lat.p99 < 25)} |
| CPU per task at ${RATE}/s (create, hand-out, completion) | server ${perTask(cpu.server)} ms, Postgres ${perTask(cpu.postgres)} ms, clients ${perTask(cpu.self)} ms; machine ${((cpu.machineBusy / wallMs / os.cpus().length) * 100).toFixed(0)}% busy | |
| slowest hand-out created in each second of the phase | ${Array.from(slowest, (ms) => (ms ?? 0).toFixed(0)).join(', ')} ms | |
| create request → 201 answered | p50 ${created.p50.toFixed(1)} ms, p99 ${created.p99.toFixed(1)} ms | |
| a lone one-row commit, this Postgres, before the phase | p50 ${commit.p50.toFixed(2)} ms, p99 ${commit.p99.toFixed(2)} ms (${commit.n} in 2 s) | |
| Postgres sessions at ${RATE}/s, share of active samples (every 50 ms) | ${formatWaits(pgWaits)} | |
| event-loop delay at ${RATE}/s, server / clients | p50 ${loop.p50Ms.toFixed(1)} / ${(clientLoop.percentile(50) / 1e6).toFixed(1)} ms, p99 ${loop.p99Ms.toFixed(1)} / ${(clientLoop.percentile(99) / 1e6).toFixed(1)} ms, max ${loop.maxMs.toFixed(1)} / ${(clientLoop.max / 1e6).toFixed(1)} ms | |
| assignments at saturation | ${perSecond.toFixed(0)}/s (${span.n} tasks in ${span.secs.toFixed(2)} s, agents completing at once, 4 slots each) | ≥ 2,000/s: ${verdict(perSecond >= 2000)} |

Latency is measured from just before the client sends the create request to the agent's socket receiving \`task:assigned\`
(one clock, the client process). Saturation counts hand-outs from the first to the last \`assigned_at\` of a backlog inserted at once.

Creates are sent by a second process over kept-alive HTTP connections (node:http); its 500 agents beat at the interval the
server announces and complete each task at once. CPU per task is each process's CPU time over the phase divided by the
tasks offered (Postgres: all its processes); "machine" is the whole machine's busy share, other work on it included.

What the path costs: a create is one statement: the task, its events and its audit row as data-modifying CTEs, and,
when the department's strategy found a fitting agent with a free slot in memory and no task waits ahead in that
department, the agent's slot too, so the task is born assigned with its lease running. Otherwise a second statement
hands it out (claim with \`SKIP LOCKED\`, the agent's slot, the task, its event). Completions arriving together are
one statement (tasks, events, agent counters, resources back to their pools). A backlog is matched in memory and handed out in one statement
per pass (up to 200 tasks). Hot statements are constant texts sent to postgres.js as named prepared statements on
connections with TCP_NODELAY; the caller's user, the department and verified token signatures are remembered.
The "Postgres sessions" row samples \`pg_stat_activity\` during the phase: IO:WALSync and LWLock:WALWrite are commits
waiting for the WAL to reach the disk, so the tail follows this machine's fsync latency, which other work on the disk lengthens.
Pool size, measured alternately (p99 of three runs each): on the AMD EPYC machine (2026-11-26 17:10) \`DB_POOL_SIZE=4\`
29.3, 21.1, 20.1 ms, the default 10: 61.6, 23.0, 27.8 ms; on the Intel Xeon machine (2026-11-26 19:45) 4: 73.0, 38.2,
42.0 ms, 10: 94.3, 86.4, 108.5 ms. The bench runs with 4 (README: a small machine sharing its cores with Postgres); the
server's default stays 10: with 4, requests queued behind hung connection attempts when the database was blackholed
(server/faults/postgres-outage.test.ts).
History (same bench): 2026-11-26 11:41, before the single-statement paths: 73 creates/s achieved of 500 offered, p99
8.2 s, 141 hand-outs/s. 14:48, before creates handed out in their own statement: p50 73 ms, p99 660 ms, 2,653 hand-outs/s.`;
  writeSection(
    'Dispatch (bench/dispatch.ts)',
    `${body}\n${benchNotes('dispatch', "where a slow create's time goes, what lowered the CPU per task")}`,
  );
  process.stdout.write(`\n${body}\n`);
} finally {
  await server.stop();
}
