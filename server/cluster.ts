/**
 * `npm run start:cluster -- --workers N`: N server processes on one machine behind a small sticky
 * TCP balancer on PORT. Worker i listens on PORT+1+i. Stickiness is by client IP hash, at the TCP
 * level, so WebSocket upgrades and Socket.IO's polling fallback (which must reach the same process
 * for the whole session) both stay on one worker. The workers share Postgres (DATABASE_URL) and
 * Redis (REDIS_URL: rooms and broadcasts span the processes, offline buffers live there).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { log as logger } from '@/lib/log';

const log = (m: string) => logger().info({ cluster: true }, m);
const argv = process.argv.slice(2);
const flag = argv.indexOf('--workers');
const workers = Number(flag >= 0 ? argv[flag + 1] : (process.env.CLUSTER_WORKERS ?? 2));
const port = Number(process.env.PORT ?? 3000);
if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error('--workers must be an integer from 1 to 64');
// Embedded PGlite is one process's database; the in-memory bus doesn't cross processes.
if (!process.env.DATABASE_URL) throw new Error('start:cluster needs DATABASE_URL (PGlite cannot be shared between processes)');
if (!process.env.REDIS_URL) throw new Error('start:cluster needs REDIS_URL (Socket.IO rooms and buffers are shared through Redis)');

type Worker = { port: number; child?: ChildProcess; up: boolean };
const pool: Worker[] = Array.from({ length: workers }, (_, i) => ({ port: port + 1 + i, up: false }));
let stopping = false;

function spawnWorker(w: Worker) {
  const child = fork(path.join(import.meta.dirname, 'index.ts'), [], {
    execArgv: ['--import', 'tsx'],
    // One demo fleet at most: it would connect to every worker otherwise.
    env: { ...process.env, PORT: String(w.port), DEMO: 'false' },
  });
  w.child = child;
  const probe = setInterval(() => {
    const s = net.connect(w.port, '127.0.0.1', () => {
      s.destroy();
      if (!w.up) log(`worker on :${w.port} up`);
      w.up = true;
      clearInterval(probe);
    });
    s.on('error', () => s.destroy());
  }, 500);
  child.on('exit', (code) => {
    clearInterval(probe);
    w.up = false;
    if (stopping) return;
    log(`worker on :${w.port} exited (${code}); restarting in 1 s`);
    setTimeout(() => spawnWorker(w), 1000);
  });
}

/** Same client IP → same worker while it is up; otherwise the next one that is. */
function pick(ip: string): Worker | undefined {
  const h = createHash('sha1').update(ip).digest().readUInt32BE(0);
  for (let i = 0; i < pool.length; i++) {
    const w = pool[(h + i) % pool.length];
    if (w.up) return w;
  }
  return undefined;
}

const balancer = net.createServer((client) => {
  const w = pick(client.remoteAddress ?? '');
  if (!w) return void client.destroy();
  const upstream = net.connect(w.port, '127.0.0.1');
  client.pipe(upstream).pipe(client);
  const close = () => (client.destroy(), upstream.destroy());
  client.on('error', close);
  upstream.on('error', close);
});

pool.forEach(spawnWorker);
balancer.listen(port, () => log(`balancing :${port} over ${workers} workers on :${port + 1}–:${port + workers} (sticky by client IP)`));

const shutdown = (signal: NodeJS.Signals) => {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping workers`);
  balancer.close();
  let left = pool.filter((w) => w.child && w.child.exitCode === null).length;
  if (!left) process.exit(0);
  for (const w of pool) {
    w.child?.once('exit', () => --left === 0 && process.exit(0));
    w.child?.kill('SIGTERM');
  }
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
