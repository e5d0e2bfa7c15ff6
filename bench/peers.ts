/**
 * npm run bench:peers — dispatch vs queues: the same workload through our dispatcher (its agents on
 * bare Socket.IO clients, and again as users run them, on lib/agent-sdk) and through pg-boss,
 * graphile-worker (each on a fresh database on the same Postgres) and BullMQ (on the same Redis), one
 * system at a time, each in a process of its own (bench/peers/run-one.ts).
 *
 *   BENCH_PEER_TASKS=5000 BENCH_PEER_SLOTS=24 BENCH_PEER_RATE=500 BENCH_PEER_SECONDS=10
 *   BENCH_PEERS=ours,ours-sdk,bullmq   (a subset; keys in bench/peers/systems.ts)
 *   BENCH_PEER_PHASE=batch    (the batched phase alone: BENCH_PEER_TASKS created through each system's
 *                              batch call, 1,000 a call, no workers; prints its table, writes no docs)
 *
 * Writes the "Dispatch vs queues" section of docs/benchmarks.md and its charts under docs/benchmarks/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import path from 'node:path';
import { lastLines, runChild } from './support/child';
import { benchDatabases, deleteRedisPrefix, dropLeftoverDatabases } from './support/leftovers';
import { machineLine } from './support/machine';
import { writeSection } from './support/report';
import { barChart, formatValue } from './support/svg';
import { systems } from './peers/systems';
import { peerSettings } from './peers/settings';
import type { BatchPhaseResult, PeerResult } from './peers/workload';
import { batchTable, explainLosses, peerTable } from './peers/report';

const root = path.resolve(import.meta.dirname, '..');
const chartDir = path.join(root, 'docs/benchmarks');
const settings = peerSettings();
const keys = (process.env.BENCH_PEERS ?? Object.keys(systems).join(','))
  .split(',')
  .map((k) => k.trim())
  .filter(Boolean);
for (const k of keys) if (!systems[k]) throw new Error(`BENCH_PEERS: unknown system "${k}"; one of ${Object.keys(systems).join(', ')}`);

const tty = process.stdout.isTTY;
let lastLine = 0;
const progress = (s: string) => {
  if (tty) process.stdout.write(`\r\x1b[2K[bench:peers] ${s.slice(0, (process.stdout.columns ?? 120) - 15)}`);
  else if (Date.now() - lastLine > 5000) {
    lastLine = Date.now();
    console.log(`[bench:peers] ${s}`);
  }
};

const loadStart = loadavg();
const batchOnly = process.env.BENCH_PEER_PHASE === 'batch';
const results: PeerResult[] = [];
const batchResults: BatchPhaseResult[] = [];
const failures: string[] = [];
for (const [i, key] of keys.entries()) {
  const prefix = `ecs-bench-${key}-${Date.now().toString(36)}`;
  const before = await benchDatabases();
  let result: PeerResult | BatchPhaseResult | undefined;
  const run = await runChild(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'peers/run-one.ts'), key], {
    cwd: root,
    env: { BENCH_BULLMQ_PREFIX: prefix },
    // Two phases plus set-up and clean-up; past this something hangs.
    timeoutMs: 3 * settings.timeoutMs + 120_000,
    onLine: (line) => {
      if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7));
      else if (line.startsWith('PROGRESS ')) progress(`${i + 1}/${keys.length} ${key}: ${line.slice(9)}`);
    },
  });
  // Whatever the child could not clean (it crashed or timed out) is cleaned here.
  const dropped = await dropLeftoverDatabases(before);
  const keysLeft = await deleteRedisPrefix(prefix);
  if (dropped.length || keysLeft)
    console.error(`\n[bench:peers] ${key} left ${dropped.length} database(s) and ${keysLeft} Redis key(s): removed`);
  if (run.code !== 0 || !result) {
    const why = run.timedOut ? 'timed out' : `exited ${run.code ?? run.signal}`;
    failures.push(`${key} ${why}`);
    console.error(
      `\n[bench:peers] ${key} ${why}; its last output:\n${lastLines(
        run.output
          .split('\n')
          .filter((l) => !l.startsWith('PROGRESS'))
          .join('\n'),
        25,
      ).join('\n')}`,
    );
    continue;
  }
  if (batchOnly) batchResults.push(result as BatchPhaseResult);
  else results.push(result as PeerResult);
}
if (tty) process.stdout.write('\r\x1b[2K');

if (batchOnly) {
  console.log(
    `${machineLine()} · load average at start ${loadStart.map((x) => x.toFixed(2)).join(' / ')}, at end ${loadavg()
      .map((x) => x.toFixed(2))
      .join(' / ')}`,
  );
  console.log(`Batched phase: ${settings.tasks} tasks through each system's batch call, 1,000 a call, no workers\n`);
  console.log(`${batchResults.map((r) => `- **${r.name}**: ${r.setup}`).join('\n')}\n`);
  console.log(batchTable(batchResults));
  if (failures.length) console.error(`[bench:peers] FAILED: ${failures.join('; ')}`);
  process.exit(failures.length ? 1 : 0);
}

if (results.length) {
  mkdirSync(chartDir, { recursive: true });
  const names = results.map((r) => r.name);
  writeFileSync(
    path.join(chartDir, 'peers-throughput.svg'),
    barChart({
      title: `Saturated hand-out: ${settings.tasks} tasks backlog, ${settings.slots} slots`,
      unit: 'tasks/s',
      categories: names,
      series: [{ name: 'tasks/s', values: results.map((r) => r.saturation.perSecond) }],
    }),
  );
  writeFileSync(
    path.join(chartDir, 'peers-latency.svg'),
    barChart({
      title: `create→start latency at ${settings.rate} tasks/s offered for ${settings.seconds} s`,
      unit: 'ms',
      scale: 'log',
      categories: names,
      series: (['p50', 'p90', 'p99'] as const).map((p) => ({ name: p, values: results.map((r) => r.latency[p]) })),
    }),
  );
  writeFileSync(
    path.join(chartDir, 'peers-cpu.svg'),
    barChart({
      title: 'CPU per task at saturation, by process',
      unit: 'CPU ms per task',
      valueUnit: 'ms',
      missing: '',
      categories: names,
      series: [
        { name: 'bench process (producer + workers / agents)', values: results.map((r) => r.saturation.cpuMsPerTask.self) },
        { name: 'ECS server', values: results.map((r) => r.saturation.cpuMsPerTask.server || null) },
        { name: 'Postgres', values: results.map((r) => r.saturation.cpuMsPerTask.postgres) },
        { name: 'Redis', values: results.map((r) => r.saturation.cpuMsPerTask.redis) },
      ],
    }),
  );
}

const fmtLoad = (l: number[]) => l.map((x) => x.toFixed(2)).join(' / ');
const body = `${machineLine()} · load average (1/5/15 min) at start ${fmtLoad(loadStart)}, at end ${fmtLoad(loadavg())}

Settings: saturation backlog ${settings.tasks} tasks created before any worker runs, then ${settings.slots} tasks in flight at once
on every system; latency phase ${settings.rate} tasks/s offered for ${settings.seconds} s (open loop, at most 256 create calls in
flight). Work is a no-op: each handler only completes its task. Every system runs in a process of its own, one after another,
on the same Postgres and Redis; the producer and the workers (for ours: the REST client and the Socket.IO agents) share the
bench process, so create→start is timed on one clock: from just before the create call to the handler starting. Saturated
tasks/s is backlog size ÷ (workers started → last backlog task started). CPU per task is read from /proc around each phase
(Postgres and Redis summed over their processes: other work on the machine counts there too).

${results.map((r) => `- **${r.name}**: ${r.setup}`).join('\n')}

${peerTable(results)}

![saturated tasks/s per system](benchmarks/peers-throughput.svg)

![create→start latency percentiles per system](benchmarks/peers-latency.svg)

![CPU per task at saturation](benchmarks/peers-cpu.svg)

${explainLosses(results)}
${failures.length ? `\n**Not measured in this run:** ${failures.join('; ')}.\n` : ''}`;
writeSection('Dispatch vs queues (`npm run bench:peers`)', body);
console.log(`\n${peerTable(results)}\n\n${explainLosses(results)}`);
console.log(
  `\n[bench:peers] wrote docs/benchmarks.md and docs/benchmarks/peers-*.svg; ${results.map((r) => `${r.name} ${formatValue(r.saturation.perSecond)}/s p99 ${formatValue(r.latency.p99)} ms`).join(' · ')}`,
);
if (failures.length) {
  console.error(`[bench:peers] FAILED: ${failures.join('; ')}`);
  process.exit(1);
}
process.exit(0);
