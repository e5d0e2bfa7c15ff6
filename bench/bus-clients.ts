/**
 * One load-generating process for bench/bus.ts: a slice of the 1,000 agents' sockets, driven over
 * IPC by the coordinator. Several of these share the agents so that no single event loop (decoding
 * every delivery and sending every message) is what saturates.
 *
 * One clock across processes: every timestamp is `performance.timeOrigin + performance.now()`, the
 * wall clock at process start plus the monotonic clock since, so a message stamped in one process
 * and received in another is measured on the same (monotonic, machine-wide) time base. The
 * coordinator checks the offset between processes before measuring and reports it.
 */
import { performance } from 'node:perf_hooks';
import { io, type Socket } from 'socket.io-client';
import { CUMULATIVE_ACKS, CumulativeAck } from '../lib/agent-sdk/cumulative-ack';

export type Agent = { id: string; departmentId: string; token?: string };

/** Messages from the coordinator. `index` values are global agent indexes (the coordinator's numbering). */
export type Command =
  | { cmd: 'connect'; url: string; agents: Agent[]; offset: number; bare: boolean }
  | { cmd: 'clock' }
  | { cmd: 'subscribe'; topics: number }
  | { cmd: 'closed'; publishers: number[]; window: number; seconds: number; make: Make }
  | { cmd: 'open'; rate: number; seconds: number; event: string; total: number; agentIds: string[] }
  | { cmd: 'collect' }
  | { cmd: 'close' };

/** What a closed-loop publisher sends: an event and the addressing, varied per message by a counter. */
export type Make = { event: string; kind: 'topic' | 'department'; topics?: number; departments?: string[] };

export type Collected = { sent: number; received: number; latencies: number[]; cpuMs: number; failed: number };

const now = () => performance.timeOrigin + performance.now();
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const sockets: Socket[] = [];
let offset = 0; // global index of sockets[0]
let measuring = false;
let received = 0;
let sent = 0;
let failed = 0;
let latencies: number[] = [];
let cpuAt = process.cpuUsage();

function reply(m: unknown) {
  process.send!(m);
}

async function connect(url: string, agents: Agent[], bare: boolean) {
  const batch = 50;
  for (let i = 0; i < agents.length; i += batch) {
    await Promise.all(
      agents.slice(i, i + batch).map(
        (a) =>
          new Promise<void>((resolve, reject) => {
            const s = io(`${url}/agents`, {
              transports: ['websocket'],
              reconnection: false,
              auth: bare ? { agentId: a.id, departmentId: a.departmentId } : { token: a.token, acks: CUMULATIVE_ACKS },
            });
            // What the SDK does (lib/agent-sdk/client.ts): a Socket.IO ack is answered at once and
            // names the agent (the bare servers ask for those); numbered messages (the bus) are
            // acknowledged cumulatively, once per turn.
            const acks = new CumulativeAck(s);
            s.on('message', (m: { data?: { t?: number }; seq?: number }, ack?: (r: unknown) => void) => {
              if (typeof ack === 'function') ack({ agentId: a.id });
              else if (typeof m.seq === 'number') acks.saw(m.seq);
              if (!measuring) return;
              received++;
              const t = m.data?.t;
              if (t) latencies.push(now() - t);
            });
            s.once('ready', () => resolve());
            s.once('connect_error', reject);
            sockets.push(s);
          }),
      ),
    );
  }
}

function start() {
  received = 0;
  sent = 0;
  failed = 0;
  latencies = [];
  cpuAt = process.cpuUsage();
  measuring = true;
}

/** Closed loop: each publisher keeps `window` messages in flight, the next sent when the server answers. */
async function closed(c: Extract<Command, { cmd: 'closed' }>) {
  start();
  const until = now() + c.seconds * 1000;
  let k = 0;
  const payload = () => {
    const n = k++;
    if (c.make.kind === 'topic') return { topic: `bench.t${n % c.make.topics!}`, type: 'bench', data: { t: now() } };
    const departments = c.make.departments!;
    return { to: { departmentId: departments[n % departments.length] }, type: 'bench', data: { t: now() } };
  };
  await Promise.all(
    c.publishers.flatMap((g) =>
      Array.from({ length: c.window }, async () => {
        const s = sockets[g - offset];
        while (now() < until) {
          const r = (await s.timeout(10_000).emitWithAck(c.make.event, payload())) as { ok?: boolean };
          if (r?.ok === false) failed++;
          sent++;
        }
      }),
    ),
  );
}

/**
 * Open loop: this process's share of `rate` messages a second, paced against the clock whatever
 * the server answers. Message m (global numbering) goes from agent (m·7919) mod total to another
 * agent; this process sends the messages whose sender it holds.
 */
async function open(c: Extract<Command, { cmd: 'open' }>) {
  start();
  const started = now();
  let m = 0;
  const mine = (g: number) => g >= offset && g < offset + sockets.length;
  while (now() - started < c.seconds * 1000) {
    const due = Math.floor(((now() - started) / 1000) * c.rate);
    for (; m < due; m++) {
      const from = (m * 7919) % c.total;
      if (!mine(from)) continue;
      const to = (from + 1 + (m % (c.total - 1))) % c.total;
      sockets[from - offset].emit(
        c.event,
        { to: { agentId: c.agentIds[to] }, type: 'bench', data: { t: now() } },
        (r: { ok?: boolean }) => {
          if (r?.ok === false) failed++;
        },
      );
      sent++;
    }
    await sleep(1);
  }
}

process.on('message', (c: Command) => {
  void (async () => {
    switch (c.cmd) {
      case 'connect':
        offset = c.offset;
        await connect(c.url, c.agents, c.bare);
        return reply({ ok: true });
      case 'clock':
        return reply({ now: now() });
      case 'subscribe':
        await Promise.all(
          sockets.map((s, i) => s.timeout(10_000).emitWithAck('subscribe', { topic: `bench.t${(offset + i) % c.topics}` })),
        );
        return reply({ ok: true });
      case 'closed':
        await closed(c);
        return reply({ ok: true });
      case 'open':
        await open(c);
        return reply({ ok: true });
      case 'collect': {
        measuring = false;
        const cpu = process.cpuUsage(cpuAt);
        const out: Collected = { sent, received, latencies, cpuMs: (cpu.user + cpu.system) / 1000, failed };
        return reply(out);
      }
      case 'close':
        for (const s of sockets) s.disconnect();
        sockets.length = 0;
        return reply({ ok: true });
    }
  })().catch((err) => {
    console.error('bus-clients:', err);
    process.exit(1);
  });
});
process.on('disconnect', () => process.exit(0));
