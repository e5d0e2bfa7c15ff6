/**
 * What the live dashboard costs the server: N agents connected and working, 5 console tabs on
 * /console, and the server's CPU compared with dashboard pushes on and off (target: under 5% of
 * one core with 1,000 agents).
 *
 *   ulimit -n 65536; npx tsx bench/dashboard.ts [--agents 1000] [--tabs 5] [--seconds 60] [--rate 20]
 *
 * Uses DATABASE_URL when set (a fresh database is created and dropped), else in-memory PGlite.
 * Prints a Markdown row for docs/benchmarks.md.
 */
import { fork } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { AgentClient } from '../lib/agent-sdk/client';

const arg = (name: string, d: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : d;
};
const AGENTS = arg('agents', 1000);
const TABS = arg('tabs', 5);
const SECONDS = arg('seconds', 60);
const RATE = arg('rate', 20); // tasks per second, spread over the departments
const DEPTS = ['engineering', 'marketing', 'sales', 'finance', 'hr', 'operations', 'research', 'legal', 'it', 'analytics'];
const SPEC: Record<string, string> = {
  engineering: 'backend',
  marketing: 'content',
  sales: 'lead-generation',
  finance: 'accounting',
  hr: 'recruiting',
  operations: 'logistics',
  research: 'data-science',
  legal: 'contracts',
  it: 'infrastructure',
  analytics: 'reporting',
};

type Sample = { cpu: NodeJS.CpuUsage; at: number; pushCpuUs: number; pushes: number; emits: number; consoles: number; agents: number };

const child = fork(path.join(import.meta.dirname, 'dashboard-server.ts'), [], {
  execArgv: ['--import', 'tsx'],
  env: { ...process.env, MAX_CONNECTIONS: '100000' },
  stdio: 'inherit',
});
process.on('exit', () => child.kill());
const inbox: ((m: unknown) => void)[] = [];
child.on('message', (m) => inbox.shift()?.(m));
const next = <T>() => new Promise<T>((r) => inbox.push((m) => r(m as T)));
const sample = () => {
  const p = next<Sample>();
  child.send({ type: 'sample' });
  return p;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ready = await next<{ url: string; engine: string }>();
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
const login = await fetch(`${url}/api/v1/auth/token`, {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'admin', password: 'bench-admin-password-1' }),
});
const { accessToken: admin } = (await login.json()) as { accessToken: string };

// Check the specializations the seed gives each department, so tasks fit its agents.
const depts = (await call('GET', '/api/v1/departments', admin)).body.items as { id: string; specializations: string[] }[];
for (const d of depts) SPEC[d.id] = d.specializations[0];

console.log(`starting ${AGENTS} agents on ${url} (${ready.engine})`);
const agents: AgentClient[] = [];
for (let i = 0; i < AGENTS; i += 50) {
  await Promise.all(
    Array.from({ length: Math.min(50, AGENTS - i) }, async (_, j) => {
      const dept = DEPTS[(i + j) % DEPTS.length];
      const res = await call('POST', '/api/v1/agents', admin, {
        departmentId: dept,
        type: 'worker',
        name: `bench-${i + j}`,
        specialization: SPEC[dept],
        maxConcurrentTasks: 2,
      });
      if (res.status !== 201) throw new Error(`agent ${i + j}: ${res.status} ${JSON.stringify(res.body)}`);
      const a = new AgentClient({
        baseUrl: url,
        agentId: res.body.credentials.agentId,
        secret: res.body.credentials.secret,
        handler: async () => {
          await sleep(50 + Math.random() * 200);
          if (Math.random() < 0.05) throw new Error('bench failure');
          return { ok: true };
        },
      });
      await a.start();
      agents.push(a);
    }),
  );
}
console.log(`${agents.length} agents connected; opening ${TABS} console tabs`);

let received = 0;
const tabs: Socket[] = [];
for (let i = 0; i < TABS; i++) {
  const s = io(`${url}/console`, { auth: { token: admin }, transports: ['websocket'], forceNew: true });
  s.on('metrics', () => received++);
  await new Promise<void>((r, j) => {
    s.once('connect', () => r());
    s.once('connect_error', j);
  });
  tabs.push(s);
}
console.log('tabs connected; measuring');

let load = true;
let created = 0;
const producer = (async () => {
  while (load) {
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: RATE }, (_, i) => {
        const dept = DEPTS[(created + i) % DEPTS.length];
        return call('POST', '/api/v1/tasks', admin, {
          title: 'bench',
          departmentId: dept,
          type: 'bench',
          priority: 'medium',
          requirements: { specialization: SPEC[dept] },
          maxAttempts: 1,
        });
      }),
    );
    created += RATE;
    await sleep(Math.max(0, 1000 - (Date.now() - t0)));
  }
})();

async function phase(push: boolean) {
  console.log(`phase: pushes ${push ? 'on' : 'off'}, ${SECONDS} s`);
  child.send({ type: 'push', on: push });
  await sleep(5_000); // settle
  const a = await sample();
  const r0 = received;
  await sleep(SECONDS * 1000);
  const b = await sample();
  const wallS = (b.at - a.at) / 1000;
  const cpuS = (b.cpu.user + b.cpu.system - a.cpu.user - a.cpu.system) / 1e6;
  return {
    push,
    wallS,
    processCore: cpuS / wallS,
    pushCore: (b.pushCpuUs - a.pushCpuUs) / 1e6 / wallS,
    pushes: b.pushes - a.pushes,
    emits: b.emits - a.emits,
    received: received - r0,
    consoles: b.consoles,
    agents: b.agents,
  };
}

const off1 = await phase(false);
const on = await phase(true);
const off2 = await phase(false);
load = false;
await producer;

const offCore = (off1.processCore + off2.processCore) / 2;
const pct = (x: number) => `${(x * 100).toFixed(2)}%`;
console.log(JSON.stringify({ off1, on, off2 }, null, 2));
console.log(
  `\n| ${new Date().toISOString().slice(0, 10)} | ${os.cpus()[0].model} ×${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)} | ${ready.engine} | ${on.agents} agents, ${on.consoles} tabs, ${RATE} tasks/s | ${on.pushes} pushes, ${on.emits} emits, ${on.received} received | push CPU ${pct(on.pushCore)} of a core | process ${pct(offCore)} off → ${pct(on.processCore)} on (Δ ${pct(on.processCore - offCore)}) |`,
);

tabs.forEach((s) => s.disconnect());
agents.forEach((a) => a.stop());
child.send({ type: 'stop' });
await new Promise((r) => child.once('exit', r));
process.exit(0);
