import { getDbHandle } from '@/db/client';
import { pingDb } from '@/db/queries/health';

export type BusState = { listening: boolean; agentsConnected: number; consolesConnected: number; redis: 'off' | 'up' | 'down' };
/** One background job as this process sees it; `leader` is whether it runs here now. */
export type JobStatus = {
  name: string;
  scope: 'every-process' | 'once-per-cluster';
  everyMs: number;
  leader: boolean;
  runs: number;
  lastRunAt: string | null;
  lastError: string | null;
};
type Runtime = { migrated: boolean; bus: BusState; version: string; startedAt: number; jobs?: () => JobStatus[] };

/** Process state the server fills in and the health routes read (shared across module copies). */
export function runtimeState(): Runtime {
  const g = globalThis as { __ecsRuntime?: Runtime };
  g.__ecsRuntime ??= {
    migrated: false,
    bus: { listening: false, agentsConnected: 0, consolesConnected: 0, redis: 'off' },
    version: process.env.npm_package_version ?? '0.1.0',
    startedAt: Date.now(),
  };
  return g.__ecsRuntime;
}

export type Health = {
  status: 'ok' | 'degraded' | 'down';
  db: 'postgres' | 'pglite';
  dbReachable: boolean;
  bus: BusState;
  version: string;
  uptimeSeconds: number;
};

export async function checkHealth(): Promise<Health> {
  const rt = runtimeState();
  const handle = getDbHandle();
  let dbReachable = false;
  if (handle) {
    try {
      await withTimeout(pingDb(handle.db), 2000);
      dbReachable = true;
    } catch {
      dbReachable = false;
    }
  }
  const degraded = !rt.bus.listening || rt.bus.redis === 'down';
  return {
    status: !dbReachable ? 'down' : degraded ? 'degraded' : 'ok',
    db: handle?.engine ?? 'pglite',
    dbReachable,
    bus: rt.bus,
    version: rt.version,
    uptimeSeconds: Math.round((Date.now() - rt.startedAt) / 1000),
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const t = setTimeout(() => reject(new Error('timeout')), ms);
    p.then(resolve, reject).finally(() => clearTimeout(t));
  });
}
