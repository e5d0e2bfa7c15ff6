/**
 * Bus benchmark: 1,000 connected agents against the
 * coordination bus and, in the same run, against a bare Socket.IO server doing the same routing (the
 * ceiling). Writes its section of docs/benchmarks.md.
 *
 *   npm run bench:bus            (raises the open-file limit: 1,000 sockets need it on both ends)
 *   BENCH_AGENTS=1000 BENCH_SECONDS=5 BENCH_RATE=10000 BENCH_CLIENT_PROCS=2 BENCH_PROF=dir (optional)
 *   BENCH_WARM_RATE=10000 BENCH_WARM_SECONDS=3 (the unmeasured warm-up of each server, before the first scenario)
 *   BENCH_SERVER_FLAGS / BENCH_CLIENT_FLAGS: extra node flags for every server / client process (e.g. GC tracing)
 *   BENCH_ONLY=bus,bare,coalesced BENCH_SCENARIOS=topic,department,direct (subsets, for profiling;
 *   the docs section is written only by a full run)
 *
 * Each server runs in its own process; the agents' sockets are split over BENCH_CLIENT_PROCS client
 * processes (bench/bus-clients.ts) so no single client event loop is what saturates. Scenarios:
 *  - topic fan-out: 10 topics × 100 subscribers, 20 publishers in a closed loop (unacknowledged fan-out)
 *  - department fan-out: `send {departmentId}` to departments of 100 agents (acknowledged per recipient)
 *  - direct at 10,000 msg/s offered: open loop, sender → another agent; latency p50/p99
 * The bare server runs the acknowledged scenarios twice: with a Socket.IO ack per recipient (the same
 * socket-level guarantee) and as a plain room emit (no guarantee at all).
 */
import { fork, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Agent, Collected, Command } from './bus-clients';
import { machineLine, percentile } from './support/machine';
import type { Probe } from './support/server-probe';
import { benchNotes, writeSection } from './support/report';
import productionFlags from '../server/node-flags.json';

const N = Number(process.env.BENCH_AGENTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const OFFERED = Number(process.env.BENCH_RATE ?? 10_000);
// A load no server here saturates at: what a message costs the server, free of queueing.
const LIGHT = 2_000;
const PROCS = Math.max(1, Number(process.env.BENCH_CLIENT_PROCS ?? 2));
const WINDOW = 8;
const TOPICS = 10;
const here = import.meta.dirname;
const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Result = {
  messagesPerSec: number;
  deliveriesPerSec: number;
  p50: number | null;
  p99: number | null;
  serverCpu: number;
  serverLoopDelayP99: number;
  serverLoopDelayMax: number;
  clientCpu: number;
  failed: number;
};

function execArgv() {
  const dir = process.env.BENCH_PROF;
  return ['--import', 'tsx', ...(dir ? ['--cpu-prof', '--cpu-prof-dir', dir] : [])];
}

/** A child that answers each IPC command with one message. */
function ask<T>(child: ChildProcess, m: unknown): Promise<T> {
  return new Promise((resolve) => {
    child.once('message', (r) => resolve(r as T));
    child.send(m as Command);
  });
}

async function startServer(file: string, env: Record<string, string> = {}) {
  // Every server, bus and bare alike, runs with the production server's V8 flags (server/node-flags.json);
  // BENCH_SERVER_FLAGS: extra node flags for every server alike (e.g. GC tracing).
  const flags = [...productionFlags, ...(process.env.BENCH_SERVER_FLAGS?.split(' ').filter(Boolean) ?? [])];
  const child = fork(path.join(here, file), [], {
    execArgv: [...flags, ...execArgv()],
    env: { ...process.env, MAX_CONNECTIONS: '100000', ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const info = await new Promise<{ url: string; agents?: Agent[] }>((resolve, reject) => {
    child.once('message', (m) => resolve(m as { url: string; agents?: Agent[] }));
    child.once('exit', (c) => reject(new Error(`${file} exited ${c}`)));
  });
  const probe = async () => {
    const p = await ask<Probe>(child, 'cpu');
    return { cpuMs: (p.cpu.user + p.cpu.system) / 1000, loopDelayP99Ms: p.loopDelayP99Ms, loopDelayMaxMs: p.loopDelayMaxMs };
  };
  return { child, info, probe };
}
type BenchServer = Awaited<ReturnType<typeof startServer>>;

class Clients {
  procs: ChildProcess[] = [];
  ranges: [number, number][] = [];

  async connect(url: string, agents: Agent[], bare: boolean) {
    const per = Math.ceil(agents.length / PROCS);
    for (let p = 0; p < PROCS; p++) {
      const from = p * per;
      const to = Math.min(agents.length, from + per);
      const clientFlags = process.env.BENCH_CLIENT_FLAGS?.split(' ').filter(Boolean) ?? [];
      const child = fork(path.join(here, 'bus-clients.ts'), [], {
        execArgv: [...clientFlags, ...execArgv()],
        stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      });
      this.procs.push(child);
      this.ranges.push([from, to]);
    }
    await Promise.all(
      this.procs.map((c, p) => ask(c, { cmd: 'connect', url, agents: agents.slice(...this.ranges[p]), offset: this.ranges[p][0], bare })),
    );
  }

  all<T>(m: Command | ((p: number) => Command)): Promise<T[]> {
    return Promise.all(this.procs.map((c, p) => ask<T>(c, typeof m === 'function' ? m(p) : m)));
  }

  /** Largest offset between a client process's clock and this one's, from the closest of 5 round trips. */
  async clockSkewMs() {
    let worst = 0;
    for (const c of this.procs) {
      let best = { rtt: Infinity, offset: 0 };
      for (let i = 0; i < 5; i++) {
        const t0 = now();
        const { now: theirs } = await ask<{ now: number }>(c, { cmd: 'clock' });
        const t1 = now();
        if (t1 - t0 < best.rtt) best = { rtt: t1 - t0, offset: theirs - (t0 + t1) / 2 };
      }
      worst = Math.max(worst, Math.abs(best.offset));
    }
    return worst;
  }

  async close() {
    await this.all({ cmd: 'close' });
    for (const c of this.procs) c.disconnect();
  }
}

/** Runs one scenario on every client process and sums what they saw; CPU is per core (1.0 = one core busy). */
async function measure(
  server: BenchServer,
  clients: Clients,
  run: () => Promise<unknown>,
  drainMs: number,
  windowSecs?: number,
): Promise<Result> {
  const cpu0 = (await server.probe()).cpuMs;
  const t0 = now();
  await run();
  await sleep(drainMs);
  const got = await clients.all<Collected>({ cmd: 'collect' });
  const secs = (now() - t0) / 1000;
  const { cpuMs: cpu1, loopDelayP99Ms, loopDelayMaxMs } = await server.probe();
  const latencies = got.flatMap((g) => g.latencies).sort((a, b) => a - b);
  const per = windowSecs ?? secs;
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    messagesPerSec: Math.round(got.reduce((a, g) => a + g.sent, 0) / per),
    deliveriesPerSec: Math.round(got.reduce((a, g) => a + g.received, 0) / per),
    p50: latencies.length ? round(percentile(latencies, 50)) : null,
    p99: latencies.length ? round(percentile(latencies, 99)) : null,
    serverCpu: round((cpu1 - cpu0) / 1000 / secs),
    serverLoopDelayP99: round(loopDelayP99Ms),
    serverLoopDelayMax: round(loopDelayMaxMs),
    clientCpu: round(got.reduce((a, g) => a + g.cpuMs, 0) / 1000 / secs),
    failed: got.reduce((a, g) => a + g.failed, 0),
  };
}

type Scenario = { name: string; bus?: string; bareAcked?: string; bare: string; kind: 'topic' | 'department' | 'direct'; rate?: number };
const scenarios: Scenario[] = [
  { name: `topic fan-out ×${N / TOPICS}`, kind: 'topic', bus: 'publish', bare: 'publish' },
  { name: 'department fan-out', kind: 'department', bus: 'send', bareAcked: 'send-acked', bare: 'send' },
  {
    name: `direct at ${OFFERED.toLocaleString('en')}/s offered`,
    kind: 'direct',
    bus: 'send',
    bareAcked: 'send-acked',
    bare: 'send',
    rate: OFFERED,
  },
  {
    name: `direct at ${LIGHT.toLocaleString('en')}/s offered`,
    kind: 'direct',
    bus: 'send',
    bareAcked: 'send-acked',
    bare: 'send',
    rate: LIGHT,
  },
];

type ServerSpec = { key: string; label: string; file: string; env: Record<string, string>; bare: boolean };
type Fleet = { spec: ServerSpec; server: BenchServer; clients: Clients; skew: number; out: Map<string, Result> };

/** A server and its own 1,000 connected agents, subscribed to the topics, ready for any scenario. */
async function setUp(spec: ServerSpec, agents: Agent[], server: BenchServer): Promise<Fleet> {
  const clients = new Clients();
  const t0 = now();
  await clients.connect(server.info.url, agents, spec.bare);
  const skew = await clients.clockSkewMs();
  console.log(
    `[${spec.label}] ${agents.length} agents connected in ${Math.round(now() - t0)} ms over ${PROCS} client processes (clock offset between processes ≤ ${skew.toFixed(3)} ms)`,
  );
  await clients.all({ cmd: 'subscribe', topics: TOPICS });
  return { spec, server, clients, skew, out: new Map() };
}

async function runScenario(f: Fleet, s: Scenario, agents: Agent[]) {
  const { spec, server, clients } = f;
  const publishers = agents.map((_, i) => i).filter((i) => i % 50 === 0);
  const departments = [...new Set(agents.map((a) => a.departmentId))];
  const variants: [string, string][] = spec.bare
    ? s.bareAcked
      ? [
          ['acked', s.bareAcked],
          ['plain', s.bare],
        ]
      : [['plain', s.bare]]
    : [[s.kind === 'topic' ? 'plain' : 'acked', s.bus!]];
  for (const [variant, event] of variants) {
    await sleep(1000); // what the previous scenario left in flight drains before this one starts
    let r: Result;
    if (s.kind === 'direct') {
      r = await measure(
        server,
        clients,
        () => clients.all({ cmd: 'open', rate: s.rate!, seconds: SECONDS, event, total: agents.length, agentIds: agents.map((a) => a.id) }),
        1000,
        SECONDS,
      );
    } else {
      const make =
        s.kind === 'topic' ? { event, kind: 'topic' as const, topics: TOPICS } : { event, kind: 'department' as const, departments };
      r = await measure(
        server,
        clients,
        () =>
          clients.all((p) => ({
            cmd: 'closed',
            publishers: publishers.filter((g) => g >= clients.ranges[p][0] && g < clients.ranges[p][1]),
            window: WINDOW,
            seconds: SECONDS,
            make,
          })),
        500,
      );
    }
    f.out.set(`${s.name}|${variant}`, r);
    console.log(`[${spec.label}] ${s.name} (${event})`, JSON.stringify(r));
  }
}

const loadAtStart = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');
const all: ServerSpec[] = [
  { key: 'bus', label: 'bus', file: 'bus-server.ts', env: { BENCH_AGENTS: String(N) }, bare: false },
  { key: 'bare', label: 'bare Socket.IO', file: 'bare-server.ts', env: {}, bare: true },
  { key: 'coalesced', label: 'bare + write coalescing', file: 'bare-server.ts', env: { BARE_COALESCE: '1' }, bare: true },
];
const servers = all.filter((x) => !process.env.BENCH_ONLY || process.env.BENCH_ONLY.split(',').includes(x.key));
// Every server is up with its own agents connected at once, and each scenario runs on one server
// after the other: load from outside this run then weighs on all of them alike, not on whichever
// happened to be measured during it.
const started = await Promise.all(servers.map((spec) => startServer(spec.file, spec.env)));
// The bus server creates the agents (and their tokens); the bare servers take the same ids.
const agents: Agent[] =
  started.find((x) => x.info.agents)?.info.agents ??
  Array.from({ length: N }, (_, i) => ({ id: crypto.randomUUID(), departmentId: `dept-${i % 10}` }));
const fleets: Fleet[] = [];
for (let i = 0; i < servers.length; i++) fleets.push(await setUp(servers[i], agents, started[i]));
// Unmeasured: each server's send path runs at the offered rate before the first measured scenario,
// so no row pays for warm-up that another row, run later, does not. At the offered rate, not a light
// one: 1 s at 2,000/s left the bus compiling its hot path during its first measured 10,000/s second
// (direct p99 21.9–28.9 ms after it, 10.2–22.6 ms after 3 s at 10,000/s, alternating runs, same machine).
const WARM_RATE = Number(process.env.BENCH_WARM_RATE ?? OFFERED);
const WARM_SECONDS = Number(process.env.BENCH_WARM_SECONDS ?? 3);
for (const f of fleets) {
  for (const event of f.spec.bare ? ['send-acked', 'send'] : ['send']) {
    await f.clients.all({
      cmd: 'open',
      rate: WARM_RATE,
      seconds: WARM_SECONDS,
      event,
      total: agents.length,
      agentIds: agents.map((a) => a.id),
    });
  }
}
await sleep(1000);
for (const s of scenarios.filter((x) => !process.env.BENCH_SCENARIOS || process.env.BENCH_SCENARIOS.split(',').includes(x.kind))) {
  for (const f of fleets) await runScenario(f, s, agents);
}
for (const f of fleets) {
  await f.clients.close();
  f.server.child.disconnect();
}
const runs = new Map(
  fleets.map((f) => [f.spec.label, { out: f.out, skew: f.skew, departments: new Set(agents.map((a) => a.departmentId)).size }]),
);
const loadAtEnd = os
  .loadavg()
  .map((x) => x.toFixed(2))
  .join(' ');

const fmt = (x: number | null | undefined) => (x == null ? '–' : x.toLocaleString('en', { maximumFractionDigits: 2 }));
const get = (label: string, s: Scenario, variant: 'acked' | 'plain') =>
  runs.get(label)?.out.get(`${s.name}|${s.kind === 'topic' ? 'plain' : variant}`);
const ratio = (a?: Result, b?: Result) => (a && b?.deliveriesPerSec ? (a.deliveriesPerSec / b.deliveriesPerSec).toFixed(2) : '–');
const departmentsN = [...runs.values()][0]?.departments ?? 10;
const nameOf = (s: Scenario) => (s.kind === 'department' ? `department fan-out ×${Math.round(N / departmentsN)}` : s.name);
const resultRows: string[] = [];
for (const s of scenarios) {
  for (const spec of servers) {
    const variants: ('acked' | 'plain')[] = !spec.bare || s.kind === 'topic' ? ['acked'] : ['acked', 'plain'];
    for (const v of variants) {
      const r = get(spec.label, s, v);
      if (!r) continue;
      const guarantee =
        s.kind === 'topic'
          ? 'none (live subscribers)'
          : v === 'acked'
            ? spec.bare
              ? 'Socket.IO ack per recipient'
              : 'cumulative ack per recipient, retry, buffer'
            : 'none (plain room emit)';
      resultRows.push(
        `| ${nameOf(s)} | ${spec.label} | ${guarantee} | ${fmt(r.deliveriesPerSec)} | ${fmt(r.messagesPerSec)} | ${fmt(r.p50)} / ${fmt(r.p99)} | ${fmt(r.serverLoopDelayP99)} / ${fmt(r.serverLoopDelayMax)} | ${fmt(r.serverCpu)} / ${fmt(r.clientCpu)} | ${r.messagesPerSec ? fmt(Math.round((r.serverCpu * 1e6) / r.messagesPerSec)) : '–'} |`,
      );
    }
  }
}
// Throughput ratios mean something only at saturation (closed loop); open-loop rows deliver what is offered.
const saturated = scenarios.filter((s) => s.kind !== 'direct');
const ratioRows = saturated.map((s) => {
  const b = get('bus', s, 'acked');
  return `| ${nameOf(s)} | ${ratio(b, get('bare Socket.IO', s, 'acked'))} | ${ratio(b, get('bare Socket.IO', s, 'plain'))} | ${ratio(b, get('bare + write coalescing', s, 'acked'))} |`;
});
const busAll = scenarios.map((s) => get('bus', s, 'acked')).filter((r): r is Result => !!r);
const best = Math.max(0, ...busAll.map((r) => r.deliveriesPerSec));
const direct = get('bus', scenarios[2], 'acked');
const worstRatio = Math.min(
  ...saturated.map((s) => {
    const b = get('bus', s, 'acked');
    const bare = get('bare Socket.IO', s, 'acked');
    return b && bare?.deliveriesPerSec ? b.deliveriesPerSec / bare.deliveriesPerSec : Infinity;
  }),
);
const verdict = (ok: boolean) => (ok ? 'met' : 'missed');
const failed = busAll.reduce((a, r) => a + r.failed, 0);
const skew = Math.max(0, ...[...runs.values()].map((r) => r.skew));

const body = `
${machineLine()} · load average at start ${loadAtStart}, at end ${loadAtEnd} · bus server data in ${process.env.DATABASE_URL ? 'Postgres' : 'in-memory PGlite'}

${N.toLocaleString('en')} agents connected over WebSocket, split over ${PROCS} client processes (bench/bus-clients.ts); each server in its own process with its own ${N.toLocaleString('en')} connected agents (the same ids and client code), all connected at once; every scenario runs on each server in turn, so load from outside the run weighs on all servers alike. Before the first scenario each server runs its send path unmeasured for ${WARM_SECONDS} s at ${WARM_RATE.toLocaleString('en')} messages/s (compiled code for all alike). Every server runs with the production server's V8 flags (server/node-flags.json: \`${productionFlags.join(' ')}\`). ${SECONDS} s per scenario. The servers:
- **bus**: the coordination bus (the API harness: token handshake, zod validation, authorization, recipient resolution, stats; acknowledged delivery with retry and buffering for direct and department messages). Its agents connect as the SDK does, asking for cumulative acknowledgements (\`auth.acks: "cumulative"\`, docs/api.md): addressed messages come numbered, and each agent acknowledges with one \`ack {seq}\` per event-loop turn for everything up to the highest number it saw on its connection; the server keeps each connection's unacknowledged messages in order and one timer sweeps them all (re-send after 5 s, twice, then the buffer), instead of a Socket.IO acknowledgement and a timer per message.
- **bare Socket.IO** (bench/bare-server.ts): the same rooms and routing and nothing else — no token check, validation, authorization, retry, buffer or stats. The ceiling the target refers to. uWebSockets.js is not measured: it is not published on the npm registry (it installs from GitHub only), and this machine reaches the npm registry alone.
- **bare + write coalescing**: the same bare server with the bus's one transport-level change (server/bus/coalesce-writes.ts: what one event-loop turn's room broadcasts write to a connection leaves in one system call, and a lone frame is written at once), to tell the bus's own overhead from what that change buys.

Scenarios:
- **topic fan-out**: ${TOPICS} topics of ${N / TOPICS} subscribers; 20 publishers keep ${WINDOW} publishes in flight each (closed loop: throughput at saturation, so its latency is queueing by Little's law, not a latency figure). Unacknowledged everywhere.
- **department fan-out**: \`send {departmentId}\` to ${departmentsN} departments, same closed loop. The bus has every delivery acknowledged (cumulatively, per recipient connection; retry and buffering when the acknowledgement does not come). The bare servers run it twice: with a Socket.IO ack per recipient (\`to(room).timeout().emit(…, cb)\`: the same socket-level guarantee without retry or buffer) and as a plain room emit (no guarantee).
- **direct at ${OFFERED.toLocaleString('en')}/s offered**: open loop, each client process paces its share of ${OFFERED.toLocaleString('en')} \`send {agentId}\` a second from agent to agent whatever the server answers; the latency target is about this row.
- **direct at ${LIGHT.toLocaleString('en')}/s offered**: the same at a load none of the servers saturates at, so the server CPU per message compares what each server does for a message, free of queueing and of CPU taken by other processes.

Latency runs from the sender's emit to the recipient's \`message\` handler. Sender and recipient are often in different client processes: both stamp with \`performance.timeOrigin + performance.now()\` (the wall clock at process start plus the machine's monotonic clock since), one time base on one machine; the offset measured between the processes was ≤ ${skew.toFixed(3)} ms. The server's event-loop delay (perf_hooks, 5 ms resolution) says how late the server itself was; latency beyond it was spent in the network stack or the clients. CPU is in cores (1.00 = one core busy for the whole scenario): server / all client processes together; the machine has ${os.cpus().length}.${failed ? ` ${failed} bus sends were refused (counted, not delivered).` : ''}

| scenario | server | delivery guarantee | deliveries/s | messages/s | latency p50 / p99 ms | server event-loop delay p99 / max ms | CPU server / clients | server CPU µs per message |
|---|---|---|---|---|---|---|---|---|
${resultRows.join('\n')}

Throughput at saturation, deliveries/s (the direct rows are open loop: every server delivered what was offered, and compares by latency and CPU per message above):

| scenario | bus ÷ bare, same guarantee | bus ÷ bare plain emit | bus ÷ bare + coalescing, same guarantee |
|---|---|---|---|
${ratioRows.join('\n')}

Targets:
- ≥ 50,000 deliveries/s with 1,000 agents: **${verdict(best >= 50_000)}** (best ${fmt(best)}/s).
- p99 < 20 ms at ${OFFERED.toLocaleString('en')} messages/s offered: **${verdict(!!direct && direct.p99 !== null && direct.p99 < 20 && direct.messagesPerSec >= OFFERED * 0.98)}** (p99 ${fmt(direct?.p99)} ms, ${fmt(direct?.deliveriesPerSec)} delivered/s).
- ≥ 0.7 of bare Socket.IO's throughput at saturation, same guarantee, each scenario: **${verdict(worstRatio >= 0.7)}** (lowest ${Number.isFinite(worstRatio) ? worstRatio.toFixed(2) : '–'}).
`;
console.log(`\n${body}`);
if (servers.length === 3 && !process.env.BENCH_SCENARIOS && !process.env.BENCH_NO_WRITE)
  writeSection('Coordination bus (`npm run bench:bus`)', body + benchNotes('bus', 'every run, what was tried and ruled out'));
process.exit(0);
