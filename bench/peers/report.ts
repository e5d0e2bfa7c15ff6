import { cpus } from 'node:os';
import { formatValue as f } from '../support/svg';
import type { PeerResult } from './workload';

const OURS = 'ours';
const ratio = (x: number) => (x >= 100 ? f(x) : x.toFixed(2));

/** The comparison table, ours first, with ratios ours ÷ each peer. */
export function peerTable(results: PeerResult[]): string {
  const o = results.find((r) => r.name === OURS);
  const rows = results.map((r) => {
    const mine = r === o;
    const thr = o && !mine ? ratio(o.saturation.perSecond / r.saturation.perSecond) : '—';
    const p99 = o && !mine ? ratio(o.latency.p99 / r.latency.p99) : '—';
    const incomplete = r.saturation.started < r.backlog.tasks ? ` (${r.saturation.started}/${r.backlog.tasks} started before the timeout)` : '';
    const lost = r.latency.started < r.latency.sent ? ` (${r.latency.started}/${r.latency.sent} started)` : '';
    return `| ${r.name} | ${f(r.saturation.perSecond)}${incomplete} | ${f(r.latency.p50)} | ${f(r.latency.p90)} | ${f(r.latency.p99)}${lost} | ${f(r.latency.max)} | ${f(r.latency.createP99)} | ${f(r.latency.sent / r.latency.sendSeconds)} of ${r.latency.offered} | ${thr} | ${p99} |`;
  });
  const cpuRows = results.map((r) => {
    const c = r.saturation.cpuMsPerTask;
    const busy = (100 * c.machineBusy * r.saturation.started) / (r.saturation.seconds * 1000 * cpus().length);
    return `| ${r.name} | ${f(c.self)} | ${c.server ? f(c.server) : '—'} | ${f(c.postgres)} | ${f(c.redis)} | ${f(c.self + c.server + c.postgres + c.redis)} | ${busy.toFixed(0)}% | ${r.load[0].toFixed(2)} |`;
  });
  const createRows = results.map((r) => {
    const c = r.backlog.cpuMsPerTask;
    return `| ${r.name} | ${f(r.backlog.tasks / r.backlog.seconds)} | ${f(c.self)} | ${c.server ? f(c.server) : '—'} | ${f(c.postgres)} | ${f(c.redis)} |`;
  });
  return `| system | saturated tasks/s | create→start p50 ms | p90 ms | p99 ms | max ms | create call p99 ms | created/s (of offered) | ours ÷ system, tasks/s (> 1: ours faster) | ours ÷ system, p99 (< 1: ours faster) |
|---|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}

CPU milliseconds per task during the saturation phase, by process, and how busy the whole machine was:

| system | bench process | ECS server | Postgres | Redis | total | machine busy | load (1 min) at start |
|---|---|---|---|---|---|---|---|
${cpuRows.join('\n')}

Creating the backlog (before any worker runs: the create path alone), tasks/s and CPU milliseconds per task:

| system | created/s | bench process | ECS server | Postgres | Redis |
|---|---|---|---|---|---|
${createRows.join('\n')}`;
}

const totalCpu = (r: PeerResult) => {
  const c = r.saturation.cpuMsPerTask;
  return c.self + c.server + c.postgres + c.redis;
};

/** Where ours loses, why (from the measured numbers) and what would close it. */
export function explainLosses(results: PeerResult[]): string {
  const o = results.find((r) => r.name === OURS);
  if (!o) return '';
  const peers = results.filter((r) => r !== o);
  const slower = peers.filter((p) => o.saturation.perSecond < p.saturation.perSecond);
  const laggier = peers.filter((p) => o.latency.p99 > p.latency.p99);
  const out: string[] = [];
  if (!slower.length && !laggier.length) return `**Ours wins on both counts**: saturated tasks/s at least every peer's and p99 create→start below each.`;
  const cores = cpus().length;

  if (slower.length) {
    const c = o.saturation.cpuMsPerTask;
    const total = totalCpu(o);
    // Postgres against Postgres: BullMQ's near-zero there says nothing about statements per hand-out.
    const onPostgres = slower.filter((p) => p.saturation.cpuMsPerTask.postgres > p.saturation.cpuMsPerTask.redis);
    const best = (onPostgres.length ? onPostgres : slower).reduce((a, b) => (a.saturation.cpuMsPerTask.postgres < b.saturation.cpuMsPerTask.postgres ? a : b));
    const ceiling = (cores * 1000) / total;
    const elsewhere =
      o.saturation.perSecond < 0.6 * ceiling
        ? ` (ours reached ${f(o.saturation.perSecond)}/s: the rest of the machine’s time went to other work, load ${o.load[0].toFixed(1)} at the start)`
        : '';
    const busy = (100 * c.machineBusy * o.saturation.started) / (o.saturation.seconds * 1000 * cores);
    const parts = [
      ['the ECS server process', c.server],
      ['Postgres', c.postgres],
      ['the bench process (the agents’ Socket.IO side)', c.self],
    ] as const;
    const [topName, topMs] = parts.reduce((a, b) => (b[1] > a[1] ? b : a));
    let why: string;
    if (busy >= 75) {
      why = `The machine was ${busy.toFixed(0)}% busy during ours’ saturation phase, so the hand-out is CPU-bound: ours spent ${f(total)} CPU ms per task (server ${f(c.server)}, Postgres ${f(c.postgres)}, agents ${f(c.self)}) against ${slower.map((p) => `${f(totalCpu(p))} for ${p.name}`).join(', ')}; at ${f(total)} ms per task ${cores} cores allow about ${f(ceiling)} tasks/s${elsewhere}. What would close it is less CPU per hand-out, first in ${topName} (${f(topMs)} ms per task)${
        topName === 'the ECS server process'
          ? ': fewer statements and less per-task work on the hand-out path (claiming and assigning a batch of tasks in one statement, as the peers’ single fetch query does, cuts the server’s and Postgres’ share together)'
          : topName === 'Postgres'
            ? `: fewer statements and transactions per hand-out (${best.name} needs ${f(best.saturation.cpuMsPerTask.postgres)} ms of Postgres per task)`
            : ': cheaper agent-side handling (one message per hand-out and per completion)'
      }.`;
    } else {
      why = `The machine was only ${busy.toFixed(0)}% busy during ours’ saturation phase (${f(total)} CPU ms per task, server ${f(c.server)}, Postgres ${f(c.postgres)}, agents ${f(c.self)}), so the hand-out is not CPU-bound: it waits on round trips taken one after another (one transaction per task, one fill at a time per department). What would close it is fewer sequential round trips per hand-out: claim and assign a batch of ready tasks per statement, and keep several hand-outs in flight.`;
    }
    out.push(`**Where ours loses on saturated tasks/s**: ${slower.map((p) => `${p.name} ${f(p.saturation.perSecond)}/s vs ours ${f(o.saturation.perSecond)}/s (${(o.saturation.perSecond / p.saturation.perSecond).toFixed(2)}×)`).join('; ')}. ${why}`);
  }

  if (laggier.length) {
    const l = o.latency;
    const achieved = l.sent / l.sendSeconds;
    const reasons: string[] = [];
    const bc = o.backlog.cpuMsPerTask;
    if (achieved < 0.95 * l.offered)
      reasons.push(
        `creating tasks through \`POST /api/v1/tasks\` kept up with only ${f(achieved)} of the ${l.offered} tasks/s offered (create call p50 ${f(l.createP50)} ms, p99 ${f(l.createP99)} ms), so tasks queued in the client before they existed and the wait grew through the run; a create alone costs ${f(bc.server)} CPU ms in the server and ${f(bc.postgres)} in Postgres (backlog phase, ${f(o.backlog.tasks / o.backlog.seconds)} creates/s with 32 in flight and no agent connected), on top of ${f(o.saturation.cpuMsPerTask.server)} + ${f(o.saturation.cpuMsPerTask.postgres)} ms per hand-out and completion`,
      );
    if (o.saturation.perSecond < l.offered)
      reasons.push(`ours hands out at most ${f(o.saturation.perSecond)} tasks/s (the saturation phase), below the ${l.offered}/s offered, so the latency phase runs over capacity and its p99 is queueing that follows from the saturated rate`);
    if (!reasons.length)
      reasons.push(`creation kept up (create call p99 ${f(l.createP99)} ms) and hand-out capacity (${f(o.saturation.perSecond)}/s) exceeds the offered ${l.offered}/s, so the rest of create→start (p99 ${f(l.p99)} ms) is the path from a created task to its agent: the wake-up after create and the per-task hand-out transaction`);
    const close =
      achieved < 0.95 * l.offered || o.saturation.perSecond < l.offered
        ? `What would close it is the saturated rate above the offered load (see above) and a cheaper create: at ${f(bc.server + bc.postgres)} CPU ms per create plus ${f(o.saturation.cpuMsPerTask.server + o.saturation.cpuMsPerTask.postgres)} per hand-out, ${cores} cores serve about ${f((cores * 1000) / (bc.server + bc.postgres + o.saturation.cpuMsPerTask.server + o.saturation.cpuMsPerTask.postgres + o.saturation.cpuMsPerTask.self))} tasks/s end to end, so the ${l.offered}/s offered needs the sum under ${f((cores * 1000) / l.offered)} ms.`
        : 'What would close it is handing a created task straight to a free agent from the create path, without a queue scan in between.';
    out.push(`**Where ours loses on p99 create→start**: ${laggier.map((p) => `${p.name} ${f(p.latency.p99)} ms vs ours ${f(l.p99)} ms (${(l.p99 / p.latency.p99).toFixed(1)}×)`).join('; ')}. Why, from this run: ${reasons.join('; and ')}. ${close}`);
  }
  return out.join('\n\n');
}
