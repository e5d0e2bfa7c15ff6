/**
 * What the production server costs when little or nothing happens: `npm start` on a fresh data
 * directory (PGlite), once with the demo fleet (24 agents, about 2 tasks/s) and once with DEMO=0
 * and nobody connected. Every few seconds it reads the server's CPU time (utime + stime of all its
 * threads, and of any child process) and resident memory (VmRSS) from /proc, and reports the mean
 * CPU as a share of one core, RSS mean and max, and RSS growth (least-squares slope, MB/hour).
 *
 *   npm run build && npm run bench:idle -- --minutes 10 [--mode both|demo|idle] [--warmup 60] [--every 5]
 *
 * IDLE_NODE_ARGS adds node flags to the server (say "--cpu-prof --cpu-prof-dir=/tmp/prof");
 * IDLE_KEEP=1 leaves the data directories behind. Linux only (/proc).
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import productionFlags from '../server/node-flags.json';
import { freePort } from '../test/free-port';
import { machineLine } from './support/machine';
import { slope, usageOf } from './support/proc-usage';

const { values: args } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    mode: { type: 'string', default: 'both' },
    warmup: { type: 'string', default: '60' },
    every: { type: 'string', default: '5' },
  },
});
const minutes = Number(args.minutes);
const warmupSec = Number(args.warmup);
const everySec = Number(args.every);
const modes = args.mode === 'both' ? (['demo', 'idle'] as const) : ([args.mode] as ('demo' | 'idle')[]);
if (!(minutes > 0) || !(warmupSec >= 0) || !(everySec > 0) || !modes.every((m) => m === 'demo' || m === 'idle')) {
  console.error('usage: npm run bench:idle -- [--minutes 10] [--mode both|demo|idle] [--warmup 60] [--every 5]');
  process.exit(2);
}

const root = path.resolve(import.meta.dirname, '..');
if (!existsSync(path.join(root, '.next', 'BUILD_ID'))) {
  console.error('No production build: run `npm run build` first.');
  process.exit(2);
}

type Result = {
  mode: 'demo' | 'idle';
  seconds: number;
  cpuPct: number;
  rssMeanMb: number;
  rssMaxMb: number;
  slopeMbPerHour: number;
  load: number;
  samples: number;
  pids: number;
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const mb = (b: number) => b / 2 ** 20;

async function measure(mode: 'demo' | 'idle'): Promise<Result> {
  const dataDir = mkdtempSync(path.join(tmpdir(), `ecs-idle-${mode}-`));
  const port = Number(process.env.PORT) || (await freePort());
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    NEXT_TELEMETRY_DISABLED: '1',
    PORT: String(port),
    DATA_DIR: dataDir,
    DEMO: mode === 'demo' ? '1' : '0',
    ECS_ADMIN_USERNAME: 'admin',
    ECS_ADMIN_PASSWORD: 'idle-bench-password-1',
  };
  // The embedded database, as a fresh clone's `npm start` uses.
  delete env.DATABASE_URL;
  delete env.REDIS_URL;
  const nodeArgs = [...productionFlags, ...(process.env.IDLE_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  // What server/start.mjs runs once the build is current.
  const proc = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'server/index.ts'], {
    cwd: root,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((r) => proc.once('exit', () => r()));
  let lines = '';
  const ready = new Promise<void>((resolve, reject) => {
    const want = mode === 'demo' ? /demo fleet: \d+ simulated agents|demo fleet not started/ : /console at http/;
    const on = (b: Buffer) => {
      lines = (lines + b.toString()).slice(-20_000);
      if (want.test(lines)) resolve();
    };
    proc.stdout!.on('data', on);
    proc.stderr!.on('data', on);
    proc.once('exit', (code) => reject(new Error(`server exited ${code} before it was ready:\n${lines.slice(-2000)}`)));
  });
  try {
    await ready;
    if (/demo fleet not started/.test(lines)) throw new Error(`demo fleet not started:\n${lines.slice(-2000)}`);
    console.log(
      `[${mode}] server ${proc.pid} ready on port ${port}; warming up ${warmupSec} s, then ${minutes} min of samples every ${everySec} s`,
    );
    await sleep(warmupSec * 1000);
    const first = usageOf(proc.pid!);
    if (!first) throw new Error('server gone');
    const t0 = performance.now();
    const points: { x: number; y: number }[] = [];
    const loads: number[] = [];
    let last = first;
    let lastAt = t0;
    let pids = first.pids;
    const end = t0 + minutes * 60_000;
    while (performance.now() < end) {
      await sleep(everySec * 1000);
      const u = usageOf(proc.pid!);
      if (!u) throw new Error(`server exited during the run:\n${lines.slice(-2000)}`);
      const now = performance.now();
      points.push({ x: (now - t0) / 3_600_000, y: mb(u.rssBytes) });
      loads.push(loadavg()[0]);
      pids = Math.max(pids, u.pids);
      const cpu = (100 * (u.cpuMs - last.cpuMs)) / (now - lastAt);
      if (points.length % Math.max(1, Math.round(30 / everySec)) === 0 || now >= end) {
        const total = (100 * (u.cpuMs - first.cpuMs)) / (now - t0);
        console.log(
          `[${mode}] ${((now - t0) / 60_000).toFixed(1)}/${minutes} min  cpu ${cpu.toFixed(1)}% (mean ${total.toFixed(2)}%)  rss ${mb(u.rssBytes).toFixed(0)} MB  load ${loadavg()[0].toFixed(2)}`,
        );
      }
      last = u;
      lastAt = now;
    }
    const ys = points.map((p) => p.y);
    return {
      mode,
      seconds: (lastAt - t0) / 1000,
      cpuPct: (100 * (last.cpuMs - first.cpuMs)) / (lastAt - t0),
      rssMeanMb: ys.reduce((a, b) => a + b, 0) / ys.length,
      rssMaxMb: Math.max(...ys),
      slopeMbPerHour: slope(points),
      load: loads.reduce((a, b) => a + b, 0) / loads.length,
      samples: points.length,
      pids,
    };
  } finally {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
    await Promise.race([exited, sleep(20_000)]);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    if (!process.env.IDLE_KEEP) rmSync(dataDir, { recursive: true, force: true });
    else console.log(`[${mode}] data kept in ${dataDir}`);
  }
}

async function main() {
  const results: Result[] = [];
  for (const mode of modes) results.push(await measure(mode));
  console.log(`\n${machineLine()}; ${minutes} min per mode after ${warmupSec} s warm-up, a sample every ${everySec} s\n`);
  console.log('| Mode | CPU (% of one core) | RSS mean | RSS max | RSS slope | Machine load (1 min avg) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const r of results) {
    const name = r.mode === 'demo' ? 'demo fleet (24 agents, ~2 tasks/s)' : 'DEMO=0, nothing connected';
    console.log(
      `| ${name} | ${r.cpuPct.toFixed(2)} | ${r.rssMeanMb.toFixed(0)} MB | ${r.rssMaxMb.toFixed(0)} MB | ${r.slopeMbPerHour >= 0 ? '+' : ''}${r.slopeMbPerHour.toFixed(1)} MB/h | ${r.load.toFixed(2)} |`,
    );
  }
  const child = results.find((r) => r.pids > 1);
  if (child) console.log(`\n(the server ran ${child.pids - 1} child process(es); their CPU and RSS are included)`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
