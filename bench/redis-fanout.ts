/**
 * npx tsx bench/redis-fanout.ts — what one cross-process broadcast costs Redis as server
 * processes are added, with the two ways @socket.io/redis-adapter uses pub/sub:
 * - classic (`createAdapter`, what the server uses): every process PSUBSCRIBEs the namespace's
 *   pattern, so each message published for a room reaches every process, members there or not;
 * - sharded (`createShardedAdapter`, Redis 7, `subscriptionMode: "dynamic"`): one channel per room,
 *   SSUBSCRIBEd only by processes with a member, so a message for an agent's room reaches one.
 * K subscriber connections stand for K server processes; M messages of 300 bytes to per-agent
 * rooms are published; Redis's CPU (from /proc) and deliveries are measured.
 *
 *   REDIS_URL (default redis://127.0.0.1:6379) BENCH_MESSAGES=20000 BENCH_PROCESSES=1,4,16,64
 */
import { readFileSync } from 'node:fs';
import { execSync } from 'node:child_process';
import os from 'node:os';
import { createClient } from 'redis';

const URL_ = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const M = Number(process.env.BENCH_MESSAGES ?? 20_000);
const KS = (process.env.BENCH_PROCESSES ?? '1,4,16,64').split(',').map(Number);
const AGENTS_PER_PROCESS = 50;
const payload = 'x'.repeat(300);
const prefix = `ecs-bench-fanout-${process.pid}#/agents#`;
const ticks = Number(execSync('getconf CLK_TCK').toString().trim());
const redisPid = Number(execSync('pgrep -o redis-server').toString().trim());
const redisCpuMs = () => {
  const f = readFileSync(`/proc/${redisPid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) / ticks) * 1000;
};
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type Row = { mode: string; processes: number; received: number; perMessage: number; redisUsPerMessage: number; wallMs: number };
const rows: Row[] = [];

for (const mode of ['classic', 'sharded'] as const) {
  for (const k of KS) {
    const pub = createClient({ url: URL_ });
    await pub.connect();
    let received = 0;
    const subs = [];
    for (let i = 0; i < k; i++) {
      const s = pub.duplicate();
      await s.connect();
      if (mode === 'classic') await s.pSubscribe(`${prefix}*`, () => void received++, true);
      else for (let a = 0; a < AGENTS_PER_PROCESS; a++) await s.sSubscribe(`${prefix}agent:${i}:${a}#`, () => void received++, true);
      subs.push(s);
    }
    await sleep(200);
    const cpu0 = redisCpuMs();
    const t0 = Date.now();
    const inFlight: Promise<unknown>[] = [];
    for (let n = 0; n < M; n++) {
      // Messages to agents spread evenly over the processes.
      const room = `agent:${n % k}:${n % AGENTS_PER_PROCESS}`;
      const channel = `${prefix}${room}#`;
      inFlight.push(mode === 'classic' ? pub.publish(channel, payload) : pub.sPublish(channel, payload));
      if (inFlight.length >= 500) await Promise.all(inFlight.splice(0));
    }
    await Promise.all(inFlight);
    const deadline = Date.now() + 30_000;
    const expected = mode === 'classic' ? M * k : M;
    while (received < expected && Date.now() < deadline) await sleep(20);
    const wallMs = Date.now() - t0;
    const cpu = redisCpuMs() - cpu0;
    rows.push({ mode, processes: k, received, perMessage: received / M, redisUsPerMessage: (cpu * 1000) / M, wallMs });
    await Promise.all([pub, ...subs].map((c) => c.quit()));
    console.error(`${mode} ×${k}: ${received} received, Redis ${((cpu * 1000) / M).toFixed(1)} µs CPU per message`);
  }
}

const info = createClient({ url: URL_ });
await info.connect();
const version = /redis_version:(\S+)/.exec(await info.info('server'))?.[1];
await info.quit();
console.log(
  `Redis ${version}, ${os.cpus().length} cores ${os.cpus()[0].model.trim()}, load ${os.loadavg()[0].toFixed(1)}, ${new Date().toISOString()}; ${M} messages of ${payload.length} B to per-agent rooms`,
);
console.log('| adapter mode | server processes subscribed | deliveries to processes per message | Redis CPU µs per message | wall ms |');
console.log('|---|---|---|---|---|');
for (const r of rows)
  console.log(`| ${r.mode} | ${r.processes} | ${r.perMessage.toFixed(2)} | ${r.redisUsPerMessage.toFixed(1)} | ${r.wallMs} |`);
