/**
 * `npm run start:cluster -- --workers N`: N server processes (server/index.ts) on one machine,
 * sharing PORT through Node's cluster module: the primary accepts connections and hands them to
 * the workers in turn. No stickiness: the console and the agent SDK connect over WebSocket only,
 * so a connection is one request that stays with the worker that took it. The workers share
 * Postgres (DATABASE_URL: the task queue) and Redis (REDIS_URL: rooms, broadcasts and offline
 * buffers span the processes). For several machines, run server/index.ts on each behind nginx
 * (deploy/nginx/ecs.conf, docs/deploy.md).
 */
import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import { ensureAuthSecret } from '@/lib/keys/secret';
import { log as logger } from '@/lib/log';

const log = (m: string) => logger().info({ cluster: true }, m);
const argv = process.argv.slice(2);
const flag = argv.indexOf('--workers');
const workers = Number(flag >= 0 ? argv[flag + 1] : (process.env.CLUSTER_WORKERS ?? 2));
if (!Number.isInteger(workers) || workers < 1 || workers > 64) throw new Error('--workers must be an integer from 1 to 64');
// Embedded PGlite is one process's database; without Redis a broadcast reaches one process only.
if (!process.env.DATABASE_URL) throw new Error('start:cluster needs DATABASE_URL (PGlite cannot be shared between processes)');
if (!process.env.REDIS_URL) throw new Error('start:cluster needs REDIS_URL (Socket.IO rooms and buffers are shared through Redis)');

// Decided once here, so workers started together don't each generate a different one.
ensureAuthSecret(process.env.DATA_DIR ?? './data');
// The primary's execArgv (--import tsx, the production V8 flags) carries over to every worker.
cluster.setupPrimary({ exec: path.join(import.meta.dirname, 'index.ts') });

let stopping = false;
const startedAt = new Map<Worker, number>();
// One demo fleet at most: it would connect to every worker otherwise.
const fork = () => startedAt.set(cluster.fork({ DEMO: 'false' }), Date.now());

cluster.on('exit', (worker, code, signal) => {
  const upFor = Date.now() - (startedAt.get(worker) ?? 0);
  startedAt.delete(worker);
  if (stopping) {
    if (!startedAt.size) process.exit(0);
    return;
  }
  // A worker that can't start (port taken, database unreachable, migrations failing) won't do
  // better a second later: the whole cluster exits, so its supervisor sees it.
  if (code !== 0 && upFor < 10_000) {
    log(`worker ${worker.process.pid} failed at start (${code ?? signal}); stopping`);
    return shutdown('SIGTERM', 1);
  }
  log(`worker ${worker.process.pid} exited (${code ?? signal}); starting another in 1 s`);
  setTimeout(() => !stopping && fork(), 1000);
});

function shutdown(signal: NodeJS.Signals, code = 0) {
  if (stopping) return;
  stopping = true;
  log(`${signal}: stopping ${startedAt.size} workers`);
  if (!startedAt.size) process.exit(code);
  cluster.removeAllListeners('exit');
  cluster.on('exit', (w) => {
    startedAt.delete(w);
    if (!startedAt.size) process.exit(code);
  });
  // Each worker drains (its agents are told to rejoin, here the other workers) and exits.
  for (const w of startedAt.keys()) w.process.kill('SIGTERM');
}

for (let i = 0; i < workers; i++) fork();
log(`${workers} workers sharing :${process.env.PORT ?? 3000} (Node cluster, round-robin, WebSocket-only clients)`);
process.on('SIGTERM', () => shutdown('SIGTERM'));
process.on('SIGINT', () => shutdown('SIGINT'));
