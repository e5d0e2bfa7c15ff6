import os from 'node:os';
import Piscina from 'piscina';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { metrics, type WorkerPoolStats } from '@/lib/metrics/registry';
import type { Task } from './tasks';

type PoolState = { pool: Piscina; inFlight: number; read: () => WorkerPoolStats };

function state(): PoolState | undefined {
  return (globalThis as { __ecsWorkerPool?: PoolState }).__ecsWorkerPool;
}

/**
 * One worker-thread pool per process for CPU-heavy work that would otherwise stall the event loop
 * (and with it every socket's heartbeats and acks). WORKER_THREADS, default cores − 1 (at least 1).
 */
export function workerPool(): Piscina {
  const g = globalThis as { __ecsWorkerPool?: PoolState };
  if (!g.__ecsWorkerPool) {
    const threads = env().WORKER_THREADS ?? Math.max(1, os.availableParallelism() - 1);
    const pool = new Piscina({
      filename: new URL('./tasks.ts', import.meta.url).href,
      // Threads start with work and end 30 s after it: an idle thread (with tsx loaded) held tens
      // of MB for good after the first audit check.
      minThreads: 0,
      maxThreads: threads,
      idleTimeout: 30_000,
      // Lower priority than the event loop (Linux nice is per thread): on a busy machine the
      // threads take the CPU the process's sockets and requests leave, not the other way round.
      niceIncrement: 10,
      // The task module is TypeScript: make sure each thread loads it through tsx, also under test
      // runners whose own loader the threads don't inherit.
      execArgv: workerExecArgv(process.execArgv),
    });
    // Piscina emits 'error' for a thread that failed outside a task (or a reply it no longer
    // expected); unheard, an EventEmitter 'error' is an uncaught exception that ends the process.
    pool.on('error', (err: Error) => log().error({ err }, 'worker pool error'));
    const s: PoolState = {
      pool,
      inFlight: 0,
      read: () => ({
        threads: pool.threads.length,
        maxThreads: pool.options.maxThreads,
        busy: Math.max(0, s.inFlight - pool.queueSize),
        queued: pool.queueSize,
        utilization: pool.utilization,
      }),
    };
    g.__ecsWorkerPool = s;
    metrics().workerPool.read = s.read;
  }
  return g.__ecsWorkerPool.pool;
}

/** Runs one task on the pool, counted for /metrics (busy threads, queue, task time). */
export async function runInPool<T>(task: Task): Promise<T> {
  const pool = workerPool();
  const s = state()!;
  metrics().workerPool.read = s.read; // a registry made afresh (tests) reads this pool too
  const end = metrics().workerTaskTime.startTimer({ kind: task.kind });
  s.inFlight++;
  try {
    return (await pool.run(task)) as T;
  } finally {
    s.inFlight--;
    end();
  }
}

/** Lets running tasks finish, then stops the threads: a reply must never reach a pool that is gone. */
export async function closeWorkerPool(): Promise<void> {
  const g = globalThis as { __ecsWorkerPool?: PoolState };
  const s = g.__ecsWorkerPool;
  g.__ecsWorkerPool = undefined;
  if (!s) return;
  metrics().workerPool.read = undefined;
  await s.pool.close().catch(() => s.pool.destroy());
}

/**
 * The process's node options that a worker thread accepts: loaders and Node's own switches. V8
 * heap flags (the production server's --max-semi-space-size, --no-allocation-site-pretenuring) are
 * per process: passed to a Worker they fail its start ("invalid execArgv flags"). tsx is added when
 * missing, since the task module is TypeScript.
 */
export function workerExecArgv(argv: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (['--import', '--require', '-r', '--loader', '--experimental-loader', '--conditions', '-C'].includes(a) && i + 1 < argv.length)
      out.push(a, argv[++i]);
    else if (
      /^--(import|require|loader|experimental-loader|conditions)=/.test(a) ||
      /^--(experimental-|no-warnings|enable-source-maps|no-deprecation)/.test(a)
    )
      out.push(a);
  }
  return out.some((a) => a.includes('tsx')) ? out : [...out, '--import', 'tsx'];
}
