/**
 * Soak: N agents doing steady work for M minutes against one server process with a
 * console socket open. Measures what a long run shows and a benchmark doesn't: heap after a forced
 * GC at the start and the end of the steady window (a leak grows it), the server's event-loop
 * delay (p99, max, blocks over 100 ms) over that window, and that every task is accounted for.
 *
 *   npm run soak -- [--minutes 10] [--agents 1000] [--rate 20] [--warmup 30]
 *
 * Uses DATABASE_URL when set (a fresh database, dropped afterwards), else in-memory PGlite. Run it
 * under `flock /work/cpu.lock` on a shared machine. Prints a progress line every 10 s and a result
 * block for docs/reliability.md.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { io } from 'socket.io-client';
import { AgentClient } from '../lib/agent-sdk/client';
import { machineLine } from './support/machine';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const MINUTES = arg('minutes', 10);
const AGENTS = arg('agents', 1000);
const RATE = arg('rate', 20); // tasks per second
const WARMUP_S = arg('warmup', 30);
const DEPTS = ['engineering', 'marketing', 'sales', 'finance', 'hr', 'operations', 'research', 'legal', 'it', 'analytics'];

type Stats = {
  eld: { p50: number; p99: number; max: number; mean: number };
  stalls: number;
  heapUsedMb: number;
  rssMb: number;
  afterGc: boolean;
};
type Account = { byStatus: Record<string, number>; completed_twice: number; active_allocations: number; pool_allocated: number };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const loadAtStart = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(', ');
const child = fork(path.join(import.meta.dirname, 'soak-server.ts'), [], {
  execArgv: ['--expose-gc', '--import', 'tsx'],
  env: { ...process.env, MAX_CONNECTIONS: '100000' },
  stdio: 'inherit',
});
process.on('exit', () => child.kill());
const waiting = new Map<string, (m: unknown) => void>();
child.on('message', (m: { type: string }) => {
  waiting.get(m.type)?.(m);
  waiting.delete(m.type);
});
const ask = <T>(type: string, msg: Record<string, unknown> = {}) => {
  const p = new Promise<T>((r) => waiting.set(type, r as (m: unknown) => void));
  if (type !== 'ready') child.send({ type, ...msg });
  return p;
};

const ready = await ask<{ url: string; engine: string }>('ready');
const url = ready.url;
const call = async (method: string, p: string, token: string, body?: unknown) => {
  const res = await fetch(`${url}${p}`, {
    method,
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
};
const login = await call('POST', '/api/v1/auth/token', '', { username: 'admin', password: 'soak-admin-password-1' });
const admin = login.body.accessToken as string;
const depts = (await call('GET', '/api/v1/departments', admin)).body.items as { id: string; specializations: string[] }[];
const spec = Object.fromEntries(depts.map((d) => [d.id, d.specializations[0]]));

console.log(`soak: ${AGENTS} agents, ${RATE} tasks/s, ${MINUTES} min on ${url} (${ready.engine}); load average ${loadAtStart}`);
let runs = 0;
const agents: AgentClient[] = [];
for (let i = 0; i < AGENTS; i += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, AGENTS - i) }, async (_, j) => {
      const dept = DEPTS[(i + j) % DEPTS.length];
      const res = await call('POST', '/api/v1/agents', admin, {
        departmentId: dept,
        type: 'worker',
        name: `soak-${i + j}`,
        specialization: spec[dept],
        maxConcurrentTasks: 2,
      });
      if (res.status !== 201) throw new Error(`agent ${i + j}: ${res.status} ${JSON.stringify(res.body)}`);
      const a = new AgentClient({
        baseUrl: url,
        agentId: res.body.credentials.agentId,
        secret: res.body.credentials.secret,
        handler: async (_task, ctx) => {
          runs++;
          await sleep(100 + Math.random() * 900);
          if (Math.random() < 0.3) await ctx.progress(0.5);
          await sleep(Math.random() * 500);
          // Some work fails and is retried: the retry path runs for ten minutes too.
          if (Math.random() < 0.02) throw new Error('soak failure');
          return { ok: true };
        },
      });
      await a.start();
      agents.push(a);
    }),
  );
  if ((i + 50) % 200 === 0) console.log(`soak: ${agents.length}/${AGENTS} agents connected`);
}

let consoleEvents = 0;
const tab = io(`${url}/console`, { auth: { token: admin }, transports: ['websocket'], forceNew: true });
tab.onAny(() => consoleEvents++);
await new Promise<void>((r, j) => {
  tab.once('connect', () => r());
  tab.once('connect_error', j);
});
console.log(`soak: ${agents.length} agents and a console socket connected; warming up ${WARMUP_S} s`);

let producing = true;
let created = 0;
let refused = 0;
const producer = (async () => {
  while (producing) {
    const t0 = Date.now();
    const batch = await Promise.all(
      Array.from({ length: RATE }, (_, i) => {
        const n = created + i;
        const dept = DEPTS[n % DEPTS.length];
        return call('POST', '/api/v1/tasks', admin, {
          title: `soak ${n}`,
          departmentId: dept,
          type: 'soak',
          requirements: { specialization: spec[dept], ...(n % 10 === 0 ? { resources: { compute: 1 } } : {}) },
          maxAttempts: 3,
        }).catch(() => ({ status: 0 }));
      }),
    );
    created += batch.filter((r) => r.status === 201).length;
    refused += batch.filter((r) => r.status !== 201).length;
    await sleep(Math.max(0, 1000 - (Date.now() - t0)));
  }
})();

await sleep(WARMUP_S * 1000);
const start = await ask<Stats>('stats', { gc: true, reset: true });
const t0 = Date.now();
const endAt = t0 + MINUTES * 60_000;
const progress = async () => {
  const s = await ask<Stats>('stats');
  const done = agents.reduce((n, a) => n + a.completed + a.failed, 0);
  const min = ((Date.now() - t0) / 60_000).toFixed(1);
  console.log(
    `soak ${min}/${MINUTES} min: ${created} created, ${done} handler outcomes, ${runs} runs, ${consoleEvents} console events, server heap ${s.heapUsedMb} MiB (rss ${s.rssMb}), loop delay p99 ${s.eld.p99} ms max ${s.eld.max} ms, ${s.stalls} stalls > 100 ms, load ${os.loadavg()[0].toFixed(2)}`,
  );
};
while (Date.now() < endAt) {
  await sleep(Math.min(10_000, endAt - Date.now()));
  await progress();
}
const window = await ask<Stats>('stats');
const steadyMs = Date.now() - t0;
producing = false;
await producer;

// Drain: every created task must end in a final state.
const drainStart = Date.now();
let account = await ask<Account>('account');
const open = (a: Account) => (a.byStatus.pending ?? 0) + (a.byStatus.assigned ?? 0) + (a.byStatus.running ?? 0);
while (open(account) > 0 && Date.now() - drainStart < 120_000) {
  await sleep(2000);
  account = await ask<Account>('account');
}
const end = await ask<Stats>('stats', { gc: true });
const total = Object.values(account.byStatus).reduce((a, b) => a + b, 0);
const ok =
  total === created &&
  open(account) === 0 &&
  account.completed_twice === 0 &&
  account.active_allocations === 0 &&
  account.pool_allocated === 0 &&
  refused === 0;

tab.close();
agents.forEach((a) => a.stop());
// Let the server see the disconnects before its database goes.
await sleep(2000);
child.send({ type: 'stop' });
await new Promise((r) => child.once('exit', r));

const result = [
  `- ${new Date().toISOString().slice(0, 10)}, ${machineLine()}; load average at start ${loadAtStart}, at end ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(', ')} (shared machine: other work ran alongside).`,
  `- ${agents.length} agents (2 slots each), one console socket, ${RATE} tasks/s for ${(steadyMs / 60_000).toFixed(1)} min after ${WARMUP_S} s of warm-up, ${ready.engine}; ${created} tasks created (${refused} refused), ${runs} handler runs, ${consoleEvents} console events.`,
  `- Server heap used after a forced GC: ${start.heapUsedMb} MiB at the start of the window, ${end.heapUsedMb} MiB at the end (after the drain); rss ${start.rssMb} → ${end.rssMb} MiB.`,
  `- Server event-loop delay over the window: p50 ${window.eld.p50} ms, p99 ${window.eld.p99} ms, max ${window.eld.max} ms; ${window.stalls} blocks over 100 ms.`,
  `- Accounted: ${Object.entries(account.byStatus)
    .map(([k, v]) => `${v} ${k}`)
    .join(
      ', ',
    )} (of ${created}, drained in ${Math.round((Date.now() - drainStart) / 1000)} s); ${account.completed_twice} completed twice, ${account.active_allocations} active allocations, pools at ${account.pool_allocated}. ${ok ? 'All tasks accounted for.' : 'NOT all tasks accounted for.'}`,
].join('\n');
console.log(`\n${result}`);
process.exit(ok ? 0 : 1);
