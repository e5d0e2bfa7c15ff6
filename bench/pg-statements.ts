/**
 * npx tsx bench/pg-statements.ts — how many statements one server process sends Postgres: at rest,
 * per connected agent's heartbeat, and per task (create → hand-out → complete), counted on the
 * wire (bench/support/pg-wire-counter.ts), with the rows each phase wrote (pg_stat_user_tables).
 *
 *   BENCH_AGENTS=50 BENCH_TASKS=300 BENCH_REST_SECONDS=20 DATABASE_URL (admin database to make a fresh one from)
 *
 * The server is a serve-harness process (API + Socket.IO + every background job) on a fresh
 * database; agents are real SDK clients in this process, completing each task at once.
 */
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import postgres from 'postgres';
import { AgentClient } from '@/lib/agent-sdk/client';
import { bearerClient } from '@/sim/fleet';
import { spawnServer } from '@/server/faults/spawn-server';
import { freshDatabase } from './support/database';
import { startPgWireCounter, type StatementCounts } from './support/pg-wire-counter';

const AGENTS = Number(process.env.BENCH_AGENTS ?? 50);
const TASKS = Number(process.env.BENCH_TASKS ?? 300);
const REST_S = Number(process.env.BENCH_REST_SECONDS ?? 20);
const HEARTBEAT_MS = 5000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const db = await freshDatabase('pgstatements');
const u = new URL(db.url);
const counter = await startPgWireCounter({ host: u.hostname, port: Number(u.port || 5432) });
const password = randomBytes(12).toString('hex');
const server = await spawnServer({
  DATABASE_URL: counter.via(db.url),
  HEARTBEAT_INTERVAL: String(HEARTBEAT_MS),
  ECS_ADMIN_USERNAME: 'bench',
  ECS_ADMIN_PASSWORD: password,
  AUTH_SECRET: randomBytes(48).toString('base64url'),
  MAX_AGENTS_PER_DEPARTMENT: '100000',
  DB_POOL_SIZE: '4',
});
const stats = postgres(db.url, { max: 1, onnotice: () => {} });
const rowWrites = async () => {
  const [r] = await stats`select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0)::bigint as n from pg_stat_user_tables`;
  return Number(r.n);
};
const login = await fetch(`${server.url}/api/v1/auth/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'bench', password }),
});
const api = bearerClient(server.url, ((await login.json()) as { accessToken: string }).accessToken);

type Phase = { name: string; seconds: number; counts: StatementCounts; rows: number };
const phases: Phase[] = [];
async function phase(name: string, work: () => Promise<unknown>) {
  await sleep(1500); // the statistics collector flushes each backend's counts about once a second
  const rows0 = await rowWrites();
  counter.take();
  const t0 = Date.now();
  await work();
  const seconds = (Date.now() - t0) / 1000;
  const counts = counter.take();
  await sleep(1500);
  phases.push({ name, seconds, counts, rows: (await rowWrites()) - rows0 - 0 });
}

// Let start-up (migrations, seed, first job runs) pass.
await sleep(10_000);
await phase('rest, no agents', () => sleep(REST_S * 1000));

const fleet: AgentClient[] = [];
let completed = 0;
for (let i = 0; i < AGENTS; i++) {
  const reg = await api.call('POST', '/api/v1/agents', {
    type: 'worker',
    departmentId: 'engineering',
    specialization: 'backend',
    maxConcurrentTasks: 4,
  });
  if (reg.status !== 201) throw new Error(`agent registration answered ${reg.status}`);
  const c = new AgentClient({
    baseUrl: server.url,
    ...reg.body.credentials,
    handler: async () => {
      completed++;
      return { ok: true };
    },
  });
  await c.start();
  fleet.push(c);
}
await sleep(HEARTBEAT_MS * 2);
await phase(`rest, ${AGENTS} agents connected`, () => sleep(REST_S * 1000));

await phase(`${TASKS} tasks created, handed out, completed`, async () => {
  let next = 0;
  const creator = async () => {
    for (let i = next++; i < TASKS; i = next++) {
      const r = await api.call('POST', '/api/v1/tasks', { title: `t${i}`, departmentId: 'engineering', type: 'bench', payload: { i } });
      if (r.status !== 201) throw new Error(`create answered ${r.status}`);
    }
  };
  await Promise.all(Array.from({ length: 4 }, creator));
  const deadline = Date.now() + 60_000;
  while (completed < TASKS && Date.now() < deadline) await sleep(50);
  if (completed < TASKS) throw new Error(`only ${completed} of ${TASKS} completed`);
  // Let completions in flight land.
  await sleep(500);
});

fleet.forEach((c) => c.stop());
await server.stop('SIGTERM');
await stats.end();
await counter.close();
await db.drop();

const [idle, agents, tasks] = phases;
const rate = (p: Phase) => p.counts.total / p.seconds;
const perBeat = ((rate(agents) - rate(idle)) * HEARTBEAT_MS) / 1000 / AGENTS;
const taskStatements = (tasks.counts.total - rate(agents) * tasks.seconds) / TASKS;
const taskRows = (tasks.rows - (agents.rows / agents.seconds) * tasks.seconds) / TASKS;
console.log(
  `machine: ${os.cpus().length} cores ${os.cpus()[0].model.trim()}, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString()}`,
);
for (const p of phases) {
  console.log(
    `\n${p.name}: ${p.seconds.toFixed(1)} s, ${p.counts.total} statements (${rate(p).toFixed(1)}/s), ${p.rows} rows written (${(p.rows / p.seconds).toFixed(1)}/s)`,
  );
  for (const [text, n] of [...p.counts.byText].sort((a, b) => b[1] - a[1]).slice(0, 25)) console.log(`  ${String(n).padStart(6)}  ${text}`);
}
const beatsPerSecond = AGENTS / (HEARTBEAT_MS / 1000);
const rowsPerBeat = (agents.rows / agents.seconds - idle.rows / idle.seconds) / beatsPerSecond;
console.log(
  `\nper agent heartbeat (${HEARTBEAT_MS / 1000} s, ${beatsPerSecond} beats/s): ${perBeat.toFixed(3)} statements, ${rowsPerBeat.toFixed(2)} rows written`,
);
console.log(
  `per task (create → hand-out → complete), background subtracted: ${taskStatements.toFixed(2)} statements, ${taskRows.toFixed(1)} rows written`,
);
