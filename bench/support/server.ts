import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import postgres from 'postgres';

export type BenchServer = { url: string; databaseUrl: string; proc: ChildProcess; stop: () => Promise<void> };

/** A fresh database and the API server in its own process, so client and server don't share a core. */
export async function startBenchServer(env: Record<string, string> = {}): Promise<BenchServer> {
  const base = process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';
  const name = `ecs_bench_${Date.now().toString(36)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  await admin.unsafe(`create database ${name}`);
  await admin.end();
  const u = new URL(base);
  u.pathname = `/${name}`;
  const databaseUrl = u.toString();
  const root = path.resolve(import.meta.dirname, '../..');
  // BENCH_SERVER_NODE_ARGS, e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof", profiles the server alone.
  const nodeArgs = (process.env.BENCH_SERVER_NODE_ARGS ?? '').split(' ').filter(Boolean);
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/testing/serve-harness.ts'], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, ECS_ADMIN_USERNAME: 'admin', ECS_ADMIN_PASSWORD: 'bench-admin-password', DEMO: '0', NODE_ENV: 'production', MAX_CONCURRENT_AGENTS: '100000', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
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
    stop: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    },
  };
}
