import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream } from 'node:fs';
import path from 'node:path';
import { freshDatabase } from './database';
import productionFlags from '../../server/node-flags.json';
import type { LoopDelay, Probe } from './probe';

export type BenchServer = {
  url: string;
  databaseUrl: string;
  proc: ChildProcess;
  stop: () => Promise<void>;
  /** Memory after a full GC, heap spaces and CPU, from inside the process (needs `probe: true`). */
  probe: () => Promise<Probe>;
  /** Event-loop delay since the previous call (needs `probe: true`; no GC, unlike probe()). */
  loopDelay: () => Promise<LoopDelay>;
  /** Writes a heap snapshot next to `file` and answers its path (needs `probe: true`). */
  snapshot: (file: string) => Promise<string>;
};

export type BenchServerOptions = {
  /** Join this database instead of making a fresh one (a second process of a scale-out pair); not dropped on stop. */
  databaseUrl?: string;
  /** Preload bench/support/probe.ts with an IPC channel and --expose-gc. */
  probe?: boolean;
};

/** A fresh database and the API server in its own process, so client and server don't share a core. */
export async function startBenchServer(env: Record<string, string> = {}, opts: BenchServerOptions = {}): Promise<BenchServer> {
  const fresh = opts.databaseUrl ? undefined : await freshDatabase();
  const databaseUrl = opts.databaseUrl ?? fresh!.url;
  const root = path.resolve(import.meta.dirname, '../..');
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server alone.
  // The production server's V8 flags first (server/node-flags.json, as npm start runs), then any given.
  const nodeArgs = [...productionFlags, ...(process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const probeArgs = opts.probe ? ['--expose-gc', '--import', path.join(import.meta.dirname, 'probe.ts')] : [];
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...probeArgs, 'test/serve-harness.ts'], {
    cwd: root,
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      ECS_ADMIN_USERNAME: 'admin',
      ECS_ADMIN_PASSWORD: 'bench-admin-password',
      DEMO: '0',
      NODE_ENV: 'production',
      MAX_CONCURRENT_AGENTS: '100000',
      MAX_CONNECTIONS: '100000',
      ...env,
    },
    stdio: opts.probe ? ['ignore', 'pipe', 'inherit', 'ipc'] : ['ignore', 'pipe', 'inherit'],
  });
  let asked = 0;
  const ask = <T>(msg: Record<string, unknown>, key: string) =>
    new Promise<T>((resolve, reject) => {
      if (!proc.send) return reject(new Error('started without probe: true'));
      const on = (m: Record<string, unknown>) => {
        if (!(key in m) || (key === 'probe' && m.probe !== msg.probe)) return;
        proc.off('message', on);
        resolve((key === 'probe' ? m : m[key]) as T);
      };
      proc.on('message', on);
      proc.send(msg);
    });
  const exited = new Promise((r) => proc.once('exit', r));
  const stop = async () => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await exited;
    await fresh?.drop();
  };
  // BENCH_SERVER_LOG=file keeps the server's standard output (its log lines, --trace-gc) for later reading.
  if (process.env.BENCH_SERVER_LOG) proc.stdout!.pipe(createWriteStream(process.env.BENCH_SERVER_LOG));
  let url: string;
  try {
    url = await new Promise<string>((resolve, reject) => {
      proc.stdout!.on('data', (b: Buffer) => {
        const m = /listening (\S+)/.exec(b.toString());
        if (m) resolve(m[1]);
      });
      proc.once('exit', (code) => reject(new Error(`server exited ${code}`)));
    });
  } catch (err) {
    await stop(); // a server that never listened still leaves its database
    throw err;
  }
  return {
    url,
    databaseUrl,
    proc,
    probe: () => ask<Probe>({ probe: ++asked }, 'probe'),
    snapshot: (file) => ask<string>({ snapshot: file }, 'snapshot'),
    loopDelay: () => ask<LoopDelay>({ loop: ++asked }, 'loop'),
    stop,
  };
}
