import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import postgres from 'postgres';
import type { Probe } from './probe';

export type BenchServer = {
  url: string;
  databaseUrl: string;
  proc: ChildProcess;
  stop: () => Promise<void>;
  /** Memory after a full GC, heap spaces and CPU, from inside the process (needs `probe: true`). */
  probe: () => Promise<Probe>;
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
  const base = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
  const name = `ecs_bench_${Date.now().toString(36)}`;
  let databaseUrl = opts.databaseUrl;
  if (!databaseUrl) {
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    databaseUrl = u.toString();
  }
  const root = path.resolve(import.meta.dirname, '../..');
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server alone.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const probeArgs = opts.probe ? ['--expose-gc', '--import', path.join(import.meta.dirname, 'probe.ts')] : [];
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', ...probeArgs, 'server/testing/serve-harness.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, ECS_ADMIN_USERNAME: 'admin', ECS_ADMIN_PASSWORD: 'bench-admin-password', DEMO: '0', NODE_ENV: 'production', MAX_CONCURRENT_AGENTS: '100000', ...env },
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
  const url = await new Promise<string>((resolve, reject) => {
    proc.stdout!.on('data', (b: Buffer) => {
      const m = /listening (\S+)/.exec(b.toString());
      if (m) resolve(m[1]);
    });
    proc.on('exit', (code) => reject(new Error(`server exited ${code}`)));
  });
  return {
    url,
    databaseUrl,
    proc,
    probe: () => ask<Probe>({ probe: ++asked }, 'probe'),
    snapshot: (file) => ask<string>({ snapshot: file }, 'snapshot'),
    stop: async () => {
      if (proc.exitCode === null) {
        proc.kill('SIGTERM');
        await new Promise((r) => proc.once('exit', r));
      }
      if (opts.databaseUrl) return;
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
