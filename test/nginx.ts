import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { freePort } from './free-port';

export const NGINX = '/usr/sbin/nginx';
export const nginxInstalled = () => existsSync(NGINX);

export type Nginx = { url: string; port: number; proc: ChildProcess; errors: () => Promise<string>; stop: () => Promise<void> };

const shipped = path.resolve(import.meta.dirname, '../deploy/nginx/ecs.conf');

/**
 * Debian's nginx with the shipped deploy/nginx/ecs.conf, unchanged but for the addresses: its
 * upstream lines point at the given local ports and it listens on a free port of 127.0.0.1. Runs
 * in the foreground as a child process, with its pid, logs and temp files in a temp directory.
 * `http` adds directives to the http block around it (the test's own, e.g. proxy_bind).
 */
export async function startNginx(upstreamPorts: number[], opts: { http?: string } = {}): Promise<Nginx> {
  const dir = await mkdtemp(path.join(tmpdir(), 'ecs-nginx-'));
  // Worker processes drop root for nobody, who must reach the temp paths inside.
  await chmod(dir, 0o755);
  let conf = await readFile(shipped, 'utf8');
  const servers = [...conf.matchAll(/^\s*server\s+(app\d+:\d+)/gm)].map((m) => m[1]);
  if (servers.length < upstreamPorts.length)
    throw new Error(`ecs.conf names ${servers.length} upstream servers, ${upstreamPorts.length} wanted`);
  // Extra shipped lines (none today) would point at processes that don't exist here.
  servers.forEach((s, i) => (conf = conf.replace(s, i < upstreamPorts.length ? `127.0.0.1:${upstreamPorts[i]}` : s)));
  const port = await freePort();
  if (!/^\s*listen 80;/m.test(conf)) throw new Error('ecs.conf no longer listens with `listen 80;`');
  conf = conf.replace(/^(\s*)listen 80;/m, `$1listen 127.0.0.1:${port};`);
  await writeFile(path.join(dir, 'ecs.conf'), conf);
  await writeFile(
    path.join(dir, 'nginx.conf'),
    `daemon off;
worker_processes 1;
pid ${dir}/nginx.pid;
error_log ${dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${dir}/client_body;
  proxy_temp_path ${dir}/proxy;
  fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi;
  scgi_temp_path ${dir}/scgi;
  ${opts.http ?? ''}
  include ${dir}/ecs.conf;
}
`,
  );
  const proc = spawn(NGINX, ['-c', `${dir}/nginx.conf`, '-p', `${dir}/`, '-e', `${dir}/error.log`], {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const errors = () => readFile(path.join(dir, 'error.log'), 'utf8').catch(() => '');
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  // Up when its port answers; an nginx that exits instead (a config error) says why in its log.
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`nginx exited: ${await errors()}`);
    if (await connects(port)) break;
    if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}: ${await errors()}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    proc,
    errors,
    stop: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        await exited;
        clearTimeout(t);
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const answer = (up: boolean) => {
      s.destroy();
      resolve(up);
    };
    const s = net.connect(port, '127.0.0.1', () => answer(true));
    s.on('error', () => answer(false));
  });
}
