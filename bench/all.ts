/**
 * npm run bench — every benchmark in one run on this machine, one after another: the dispatch-vs-queues
 * comparison (bench:peers), bench:dispatch, bench:bus, bench:resources and bench:scale (when the
 * script exists). Each runs as its own `npm run` in a process group of its own; a progress line shows
 * which and how far. Each writes its own section of docs/benchmarks.md; this adds a summary section
 * (machine, date, commit, load, settings, wall time per bench). Exits non-zero if any bench failed.
 *
 *   BENCH_ONLY=peers,bus    run a subset          BENCH_TIMEOUT_MIN=10   per-bench limit
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { lastLines, runChild, type ChildRun } from './support/child';
import { benchDatabases, dropLeftoverDatabases } from './support/leftovers';
import { machineLine } from './support/machine';
import { writeSection } from './support/report';

const root = path.resolve(import.meta.dirname, '..');
const doc = path.join(root, 'docs/benchmarks.md');
const scripts = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;

type Bench = { name: string; what: string; command: string[] };
const all: Bench[] = [
  { name: 'peers', what: 'Dispatch vs pg-boss, graphile-worker, BullMQ', command: ['npm', 'run', '-s', 'bench:peers'] },
  {
    name: 'dispatch',
    what: 'Dispatch with 500 agents: create→assigned latency, saturated hand-out',
    command: ['npm', 'run', '-s', 'bench:dispatch'],
  },
  { name: 'bus', what: 'Bus vs bare Socket.IO, 1,000 agents', command: ['npm', 'run', '-s', 'bench:bus'] },
  { name: 'resources', what: 'Resource grant latency', command: ['npm', 'run', '-s', 'bench:resources'] },
];
// bench:scale is written separately; run it when it is there (as its script, or the file with the open-file limit raised).
if (scripts['bench:scale'])
  all.push({
    name: 'scale',
    what: 'Scale curve, 100 → 2,000 agents: throughput, latency, CPU and RSS per agent',
    command: ['npm', 'run', '-s', 'bench:scale'],
  });
else if (existsSync(path.join(root, 'bench/scale.ts')))
  all.push({
    name: 'scale',
    what: 'Scale curve, 100 → 2,000 agents',
    command: ['bash', '-c', 'ulimit -n 65536 2>/dev/null || ulimit -n $(ulimit -Hn); exec npx tsx bench/scale.ts'],
  });

const only = process.env.BENCH_ONLY?.split(',')
  .map((s) => s.trim())
  .filter(Boolean);
if (only)
  for (const o of only)
    if (!all.some((b) => b.name === o)) throw new Error(`BENCH_ONLY: no bench "${o}"; there are ${all.map((b) => b.name).join(', ')}`);
const benches = only ? all.filter((b) => only.includes(b.name)) : all;
// BENCH_ONLY picks benches here; bench:bus reads the same name to pick its servers, and a bus run
// given "dispatch,bus" measured the bus alone, without the bare Socket.IO rows it is judged against.
delete process.env.BENCH_ONLY;
const timeoutMs = Number(process.env.BENCH_TIMEOUT_MIN ?? 10) * 60_000;
const logDir = path.join(tmpdir(), `ecs-bench-${new Date().toISOString().replace(/[:.]/g, '-')}`);
mkdirSync(logDir, { recursive: true });

const tty = process.stdout.isTTY;
const runStart = Date.now();
const clock = (ms: number) => `${Math.floor(ms / 60_000)}:${String(Math.floor(ms / 1000) % 60).padStart(2, '0')}`;
let lastPrinted = 0;
function progress(line: string) {
  const text = `[bench ${clock(Date.now() - runStart)}] ${line}`;
  if (tty) process.stdout.write(`\r\x1b[2K${text.slice(0, (process.stdout.columns ?? 120) - 1)}`);
  else if (Date.now() - lastPrinted > 10_000) {
    lastPrinted = Date.now();
    console.log(text);
  }
}
const say = (s: string) => process.stdout.write(`${tty ? '\r\x1b[2K' : ''}${s}\n`);

const loadStart = loadavg();
say(
  `npm run bench: ${benches.map((b) => b.name).join(', ')} · ${machineLine()} · load ${loadStart.map((x) => x.toFixed(2)).join(' ')} · logs in ${logDir}`,
);
type Outcome = { bench: Bench; run: ChildRun; ok: boolean; why: string; load: number };
const outcomes: Outcome[] = [];
for (const [i, b] of benches.entries()) {
  const before = await benchDatabases();
  const docBefore = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  const load = loadavg()[0];
  const started = Date.now();
  const run = await runChild(b.command[0], b.command.slice(1), {
    cwd: root,
    timeoutMs,
    onLine: (line) =>
      progress(
        `${i + 1}/${benches.length} ${b.name} ${clock(Date.now() - started)} · ${line.replace(/^\[[^\]]*\]\s*/, '').replace(/^PROGRESS /, '')}`,
      ),
  });
  writeFileSync(path.join(logDir, `${b.name}.log`), run.output);
  const dropped = await dropLeftoverDatabases(before);
  const ok = run.code === 0 && !run.timedOut;
  const why = ok ? 'ok' : run.timedOut ? `timed out after ${clock(timeoutMs)}` : `exited ${run.code ?? run.signal}`;
  outcomes.push({ bench: b, run, ok, why, load });
  say(
    `${ok ? '✓' : '✗'} ${b.name} (${b.what}): ${why} in ${clock(run.ms)}${dropped.length ? ` · dropped leftover databases ${dropped.join(', ')}` : ''}`,
  );
  // Its result table, as printed.
  const table = run.output.split('\n').filter((l) => l.startsWith('|'));
  if (ok && table.length) say(table.join('\n'));
  if (!ok)
    say(
      `  last lines of ${path.join(logDir, `${b.name}.log`)}:\n${lastLines(run.output, 20)
        .map((l) => `    ${l}`)
        .join('\n')}`,
    );
  // A bench that prints its table but writes no section of its own gets one from its output.
  const docAfter = existsSync(doc) ? readFileSync(doc, 'utf8') : '';
  if (ok && docAfter === docBefore && table.length)
    writeSection(
      `${b.what} (\`npm run bench:${b.name}\`, as printed in the last \`npm run bench\`)`,
      `${machineLine()} · load average at start ${load.toFixed(2)}\n\n${run.output
        .split('\n')
        .filter((l) => l.trim() && !/\r/.test(l) && !l.startsWith('['))
        .slice(-30)
        .join('\n')}`,
    );
}

const failed = outcomes.filter((o) => !o.ok);
const settings = Object.entries(process.env)
  .filter(([k]) => k.startsWith('BENCH_') || k === 'DATABASE_URL' || k === 'REDIS_URL')
  .map(([k, v]) => `${k}=${v}`);
const summary = `${machineLine()} · load average (1/5/15 min) at start ${loadStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${loadavg()
  .map((x) => x.toFixed(2))
  .join(' / ')} · total ${clock(Date.now() - runStart)}
· settings: ${settings.length ? settings.join(' ') : 'defaults'}

| bench | what | result | wall | load (1 min) at its start |
|---|---|---|---|---|
${outcomes.map((o) => `| \`npm run bench:${o.bench.name}\` | ${o.bench.what} | ${o.ok ? 'ok' : `**${o.why}**`} | ${clock(o.run.ms)} | ${o.load.toFixed(2)} |`).join('\n')}

Each bench's numbers are in its own section below, from this run.`;
writeSection('Last `npm run bench`', summary);
say(`\n${summary}`);
if (failed.length) {
  console.error(
    `\nnpm run bench FAILED: ${failed.map((o) => `${o.bench.name} ${o.why} (log ${path.join(logDir, `${o.bench.name}.log`)})`).join('; ')}`,
  );
  process.exit(1);
}
say(`npm run bench: all ${outcomes.length} benches ok in ${clock(Date.now() - runStart)}; docs/benchmarks.md updated`);
process.exit(0);
