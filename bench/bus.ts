/**
 * Bus benchmark (issue #6, acceptance 4): 1,000 connected agents against the coordination bus and,
 * in the same run, against a bare Socket.IO server doing the same routing (the ceiling).
 *
 *   npm run bench:bus            (raises the open-file limit: 1,000 sockets need it on both ends)
 *   BENCH_AGENTS=1000 BENCH_SECONDS=5 DATABASE_URL=... (optional)
 *
 * Each server runs in its own process; the 1,000 clients share this one. Scenarios:
 *  - topic fan-out: 10 topics × 100 subscribers, 20 publishers in a closed loop (unacknowledged fan-out)
 *  - department fan-out: `send {departmentId}` to departments of 100 agents (acknowledged per recipient on the bus)
 *  - direct at 10,000 msg/s offered: open loop, random sender → random recipient; latency p50/p99
 */
import { fork, type ChildProcess } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';

const N = Number(process.env.BENCH_AGENTS ?? 1000);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
const OFFERED = Number(process.env.BENCH_RATE ?? 10_000);
const here = import.meta.dirname;

type Agent = { id: string; departmentId: string; token?: string };
type Result = { scenario: string; messagesPerSec: number; deliveriesPerSec: number; p50: number | null; p99: number | null; offered?: number };

function start(file: string, env: Record<string, string> = {}): Promise<{ child: ChildProcess; info: { url: string; agents?: Agent[] } }> {
  const prof = process.env.BENCH_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.BENCH_PROF] : [];
  const child = fork(path.join(here, file), [], { execArgv: ['--import', 'tsx', ...prof], env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (info) => resolve({ child, info: info as { url: string; agents?: Agent[] } }));
    child.once('exit', (c) => reject(new Error(`${file} exited ${c}`)));
  });
}

class Fleet {
  sockets: Socket[] = [];
  received = 0;
  latencies: number[] = [];
  measuring = false;

  constructor(readonly agents: Agent[]) {}

  async connect(url: string, bare: boolean) {
    const batch = 50;
    for (let i = 0; i < this.agents.length; i += batch) {
      await Promise.all(
        this.agents.slice(i, i + batch).map(
          (a) =>
            new Promise<void>((resolve, reject) => {
              const s = io(`${url}/agents`, { transports: ['websocket'], reconnection: false, auth: bare ? { agentId: a.id, departmentId: a.departmentId } : { token: a.token } });
              s.on('message', (m: { data: { t?: number } }, ack?: (r: unknown) => void) => {
                ack?.({ agentId: a.id });
                if (!this.measuring) return;
                this.received++;
                if (m.data?.t) this.latencies.push(performance.now() - m.data.t);
              });
              s.once('ready', () => resolve());
              s.once('connect_error', reject);
              this.sockets.push(s);
            }),
        ),
      );
    }
  }

  reset() {
    this.received = 0;
    this.latencies = [];
  }

  close() {
    for (const s of this.sockets) s.disconnect();
  }
}

function pct(xs: number[], p: number) {
  if (!xs.length) return null;
  const s = [...xs].sort((a, b) => a - b);
  return Math.round(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] * 100) / 100;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Closed loop: each sender keeps `window` messages in flight (awaiting the server's ack). */
async function closedLoop(fleet: Fleet, name: string, senders: Socket[], make: (i: number) => [string, unknown], window = 8): Promise<Result> {
  fleet.reset();
  fleet.measuring = true;
  let sent = 0;
  const until = performance.now() + SECONDS * 1000;
  const started = performance.now();
  await Promise.all(
    senders.flatMap((s, si) =>
      Array.from({ length: window }, async () => {
        while (performance.now() < until) {
          const [event, payload] = make(si);
          await s.timeout(10_000).emitWithAck(event, payload);
          sent++;
        }
      }),
    ),
  );
  await sleep(500); // let the last fan-out land
  fleet.measuring = false;
  const secs = (performance.now() - started) / 1000;
  return { scenario: name, messagesPerSec: Math.round(sent / secs), deliveriesPerSec: Math.round(fleet.received / secs), p50: pct(fleet.latencies, 50), p99: pct(fleet.latencies, 99) };
}

/** Open loop at a fixed offered rate, whatever the server answers: latency under that load. */
async function openLoop(fleet: Fleet, name: string, rate: number): Promise<Result> {
  fleet.reset();
  fleet.measuring = true;
  const started = performance.now();
  let sent = 0;
  const n = fleet.sockets.length;
  while (performance.now() - started < SECONDS * 1000) {
    const due = Math.floor(((performance.now() - started) / 1000) * rate);
    for (; sent < due; sent++) {
      const from = (sent * 7919) % n;
      const to = (from + 1 + (sent % (n - 1))) % n;
      fleet.sockets[from].emit('send', { to: { agentId: fleet.agents[to].id }, type: 'bench', data: { t: performance.now() } }, () => {});
    }
    await sleep(2);
  }
  await sleep(1000);
  fleet.measuring = false;
  const secs = SECONDS;
  return { scenario: name, offered: rate, messagesPerSec: Math.round(sent / secs), deliveriesPerSec: Math.round(fleet.received / secs), p50: pct(fleet.latencies, 50), p99: pct(fleet.latencies, 99) };
}

async function run(label: string, url: string, agents: Agent[], bare: boolean): Promise<Result[]> {
  const fleet = new Fleet(agents);
  const t0 = performance.now();
  await fleet.connect(url, bare);
  console.log(`[${label}] ${fleet.sockets.length} agents connected in ${Math.round(performance.now() - t0)} ms`);
  await sleep(1000);
  // 10 topics of 100 subscribers each (agent i → topic i % 10).
  await Promise.all(fleet.sockets.map((s, i) => s.timeout(10_000).emitWithAck('subscribe', { topic: `bench.t${i % 10}` })));
  const out: Result[] = [];
  const publishers = fleet.sockets.filter((_, i) => i % 50 === 0);
  let k = 0;
  out.push(await closedLoop(fleet, `topic fan-out ×${Math.round(N / 10)}`, publishers, () => ['publish', { topic: `bench.t${k++ % 10}`, type: 'bench', data: { t: performance.now() } }]));
  const depts = [...new Set(agents.map((a) => a.departmentId))];
  out.push(await closedLoop(fleet, `department fan-out ×${Math.round(N / depts.length)}`, publishers, () => ['send', { to: { departmentId: depts[k++ % depts.length] }, type: 'bench', data: { t: performance.now() } }]));
  out.push(await openLoop(fleet, `direct at ${OFFERED}/s offered`, OFFERED));
  for (const r of out) console.log(`[${label}]`, JSON.stringify(r));
  fleet.close();
  return out;
}

const loadAtStart = os.loadavg().map((x) => x.toFixed(1)).join(' ');
const bus = await start('bus-server.ts', { BENCH_AGENTS: String(N) });
const busAgents = bus.info.agents!;
const busResults = await run('bus', bus.info.url, busAgents, false);
bus.child.disconnect();
await sleep(1000);
const bare = await start('bare-server.ts');
const bareResults = await run('bare', bare.info.url, busAgents, true);
bare.child.disconnect();

const rows = busResults.map((b, i) => {
  const r = bareResults[i];
  return `| ${b.scenario} | ${b.messagesPerSec} | ${b.deliveriesPerSec} | ${b.p50 ?? '–'} / ${b.p99 ?? '–'} | ${r.messagesPerSec} | ${r.deliveriesPerSec} | ${r.p50 ?? '–'} / ${r.p99 ?? '–'} | ${r.deliveriesPerSec ? (b.deliveriesPerSec / r.deliveriesPerSec).toFixed(2) : '–'} |`;
});
console.log(`\n${os.cpus().length} × ${os.cpus()[0]?.model}, Node ${process.version}, ${N} agents, ${SECONDS} s per scenario, ${new Date().toISOString()}, load average at start ${loadAtStart}`);
console.log('| scenario | bus msg/s | bus deliveries/s | bus p50 / p99 ms | bare msg/s | bare deliveries/s | bare p50 / p99 ms | bus ÷ bare |');
console.log('|---|---|---|---|---|---|---|---|');
for (const r of rows) console.log(r);
process.exit(0);
