import { cpus } from 'node:os';
import { formatValue as f } from '../support/svg';
import type { BatchPhaseResult, PeerResult } from './workload';

const OURS = 'ours';
/** Ours again, with the agents on lib/agent-sdk: set beside ours, not counted among the peers. */
const OURS_SDK = 'ours (SDK)';
const isOurs = (r: { name: string }) => r.name === OURS || r.name === OURS_SDK;
const ratio = (x: number) => (x >= 100 ? f(x) : x.toFixed(2));

/** The comparison table, ours first, with ratios ours ÷ each peer. */
export function peerTable(results: PeerResult[]): string {
  const o = results.find((r) => r.name === OURS);
  const rows = results.map((r) => {
    const mine = isOurs(r);
    const thr = o && !mine ? ratio(o.saturation.perSecond / r.saturation.perSecond) : '—';
    const p99 = o && !mine ? ratio(o.latency.p99 / r.latency.p99) : '—';
    const incomplete =
      r.saturation.started < r.backlog.tasks ? ` (${r.saturation.started}/${r.backlog.tasks} started before the timeout)` : '';
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
  const peers = results.filter((r) => !isOurs(r));
  const slower = peers.filter((p) => o.saturation.perSecond < p.saturation.perSecond);
  const laggier = peers.filter((p) => o.latency.p99 > p.latency.p99);
  const out: string[] = [];
  const sdk = results.find((r) => r.name === OURS_SDK);
  const sdkLine = sdk
    ? `\n\n**Through the agent SDK**: ${f(sdk.saturation.perSecond)} tasks/s saturated (${(sdk.saturation.perSecond / o.saturation.perSecond).toFixed(2)}× the bare-socket agents), create→start p50 ${f(sdk.latency.p50)} ms and p99 ${f(sdk.latency.p99)} ms against ${f(o.latency.p50)} and ${f(o.latency.p99)}: AgentClient waits for the answer to its task:progress acknowledgement before the handler starts, one more round trip (and one more statement in Postgres) per task than the bare agents, which complete straight from the hand-out.`
    : '';
  if (!slower.length && !laggier.length)
    return `**Ours wins on both counts**: saturated tasks/s at least every peer's and p99 create→start below each.${sdkLine}`;
  const cores = cpus().length;

  if (slower.length) {
    const c = o.saturation.cpuMsPerTask;
    const total = totalCpu(o);
    // Postgres against Postgres: BullMQ's near-zero there says nothing about statements per hand-out.
    const onPostgres = slower.filter((p) => p.saturation.cpuMsPerTask.postgres > p.saturation.cpuMsPerTask.redis);
    const best = (onPostgres.length ? onPostgres : slower).reduce((a, b) =>
      a.saturation.cpuMsPerTask.postgres < b.saturation.cpuMsPerTask.postgres ? a : b,
    );
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
    out.push(
      `**Where ours loses on saturated tasks/s**: ${slower.map((p) => `${p.name} ${f(p.saturation.perSecond)}/s vs ours ${f(o.saturation.perSecond)}/s (${(o.saturation.perSecond / p.saturation.perSecond).toFixed(2)}×)`).join('; ')}. ${why}`,
    );
  }

  if (laggier.length) {
    const l = o.latency;
    const achieved = l.sent / l.sendSeconds;
    const bc = o.backlog.cpuMsPerTask;
    const sc = o.saturation.cpuMsPerTask;
    // Every task is created and then handed out and completed: both costs, all processes, on the same cores.
    const perTask = bc.self + bc.server + bc.postgres + sc.self + sc.server + sc.postgres;
    const endToEnd = (cores * 1000) / perTask;
    const cost = `a create costs ${f(bc.server)} CPU ms in the server and ${f(bc.postgres)} in Postgres (${f(bc.self)} in the client; backlog phase, ${f(o.backlog.tasks / o.backlog.seconds)} creates/s, 32 in flight, no agent connected), a hand-out and its completion ${f(sc.server)} + ${f(sc.postgres)} (${f(sc.self)} in the agents), ${f(perTask)} ms per task in all: ${cores} cores serve about ${f(endToEnd)} tasks/s end to end`;
    const reasons: string[] = [];
    if (achieved < 0.95 * l.offered)
      reasons.push(
        `creating tasks through \`POST /api/v1/tasks\` kept up with only ${f(achieved)} of the ${l.offered} tasks/s offered, so tasks queued in the client before they existed and the wait grew through the run`,
      );
    if (l.createP99 > 0.3 * l.p99)
      reasons.push(
        `the create call alone takes p50 ${f(l.createP50)} ms, p99 ${f(l.createP99)} ms: requests queue in the server before the task exists`,
      );
    if (o.saturation.perSecond < l.offered)
      reasons.push(`ours hands out at most ${f(o.saturation.perSecond)} tasks/s (saturation phase), below the ${l.offered}/s offered`);
    // Under 25% headroom, bursts (and anything else on the machine) queue: count that as at capacity.
    const over = endToEnd < 1.25 * l.offered;
    reasons.push(
      endToEnd < l.offered
        ? `${cost}, below the ${l.offered}/s offered, so the latency phase runs over capacity and its p99 is queueing`
        : over
          ? `${cost}, within 25% of the ${l.offered}/s offered, so bursts and other work on the machine queue`
          : `${cost}, above the ${l.offered}/s offered`,
    );
    const close = over
      ? `What would close it is less CPU per task end to end, under ${f((cores * 1000) / l.offered)} ms for ${l.offered}/s on ${cores} cores (the create is the larger share: ${f(bc.self + bc.server + bc.postgres)} of ${f(perTask)} ms).`
      : 'With capacity to spare, what is left is the path from a created task to its agent: handing a created task straight to a free agent from the create path, without a queue pass in between, would close it.';
    out.push(
      `**Where ours loses on p99 create→start**: ${laggier.map((p) => `${p.name} ${f(p.latency.p99)} ms vs ours ${f(l.p99)} ms (${(l.p99 / p.latency.p99).toFixed(1)}×)`).join('; ')}. Why, from this run: ${reasons.join('; ')}. ${close}`,
    );
  }
  return out.join('\n\n') + sdkLine;
}

/** The batched phase alone: tasks/s through each system's batch call, and CPU per task by process. */
export function batchTable(results: BatchPhaseResult[]): string {
  const o = results.find((r) => r.name === OURS);
  const rows = results.map((r) => {
    const c = r.cpuMsPerTask;
    const vs = o && r !== o ? ratio(o.perSecond / r.perSecond) : '—';
    return `| ${r.name} | ${f(r.perSecond)} | ${f(r.seconds)} | ${f(c.self)} | ${c.server ? f(c.server) : '—'} | ${f(c.postgres)} | ${f(c.redis)} | ${vs} | ${r.load[0].toFixed(2)} |`;
  });
  return `| system | created/s | seconds | bench process CPU ms/task | ECS server | Postgres | Redis | ours ÷ system, created/s | load (1 min) at start |
|---|---|---|---|---|---|---|---|---|
${rows.join('\n')}`;
}
