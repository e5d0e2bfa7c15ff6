import os from 'node:os';
import Piscina from 'piscina';
import { env } from '@/lib/env';

/**
 * One worker-thread pool per process for CPU-heavy work that would otherwise stall the event loop
 * (and with it every socket's heartbeats and acks). WORKER_THREADS, default cores − 1 (at least 1).
 */
export function workerPool(): Piscina {
  const g = globalThis as { __ecsWorkerPool?: Piscina };
  if (!g.__ecsWorkerPool) {
    const threads = env().WORKER_THREADS ?? Math.max(1, os.availableParallelism() - 1);
    g.__ecsWorkerPool = new Piscina({
      filename: new URL('./tasks.ts', import.meta.url).href,
      minThreads: Math.min(1, threads),
      maxThreads: Math.max(1, threads),
      idleTimeout: 30_000,
      // The task module is TypeScript: make sure each thread loads it through tsx, also under test
      // runners whose own loader the threads don't inherit.
      execArgv: process.execArgv.some((a) => a.includes('tsx')) ? process.execArgv : [...process.execArgv, '--import', 'tsx'],
    });
  }
  return g.__ecsWorkerPool;
}

export async function closeWorkerPool(): Promise<void> {
  const g = globalThis as { __ecsWorkerPool?: Piscina };
  const pool = g.__ecsWorkerPool;
  g.__ecsWorkerPool = undefined;
  await pool?.destroy();
}
