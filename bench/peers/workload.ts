import { loadavg } from 'node:os';
import { cpuDelta, cpuSnapshot, type CpuReading, type CpuSnapshot } from '../support/cpu';
import { percentile } from '../support/machine';
import type { QueueSystem } from './types';

export type WorkloadSettings = {
  /** Backlog size for the saturation phase. */
  tasks: number;
  /** Offered tasks per second in the latency phase. */
  rate: number;
  /** Length of the latency phase. */
  seconds: number;
  /** Longest wait for a phase's tasks to start before giving up on the rest. */
  timeoutMs: number;
};

export type PeerResult = {
  name: string;
  setup: string;
  /** Backlog created before any worker ran: how long creating it took. */
  backlog: { tasks: number; seconds: number; cpuMsPerTask: CpuSnapshot };
  /** From starting the workers to the last backlog task starting. */
  saturation: { started: number; seconds: number; perSecond: number; cpuMsPerTask: CpuSnapshot };
  /** create→start at a fixed offered load: from just before the create call to the handler starting, one clock. */
  latency: {
    offered: number;
    sent: number;
    sendSeconds: number;
    started: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    /** The create call alone (request until the system accepted it). */
    createP50: number;
    createP99: number;
    cpuMsPerTask: CpuSnapshot;
  };
  /** Load average (1 min) when the system's run began and ended. */
  load: [number, number];
};

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const perTask = (a: CpuReading, b: CpuReading, n: number): CpuSnapshot => {
  const d = cpuDelta(a, b);
  return { self: d.self / n, server: d.server / n, postgres: d.postgres / n, redis: d.redis / n, machineBusy: d.machineBusy / n };
};

/** The batched phase alone (BENCH_PEER_PHASE=batch): the backlog through each system's batch call, no worker runs. */
export type BatchPhaseResult = {
  name: string;
  setup: string;
  tasks: number;
  seconds: number;
  perSecond: number;
  cpuMsPerTask: CpuSnapshot;
  load: [number, number];
};

export async function runBatchPhase(system: QueueSystem, tasks: number, progress: (line: string) => void): Promise<BatchPhaseResult> {
  const loadStart = loadavg()[0];
  try {
    progress('preparing');
    await system.prepare();
    const cpu0 = cpuSnapshot(system.serverPid?.());
    const t0 = performance.now();
    await system.backlog(Array.from({ length: tasks }, (_, i) => i));
    const seconds = (performance.now() - t0) / 1000;
    const cpuMsPerTask = perTask(cpu0, cpuSnapshot(system.serverPid?.()), tasks);
    return {
      name: system.name,
      setup: system.setup,
      tasks,
      seconds,
      perSecond: tasks / seconds,
      cpuMsPerTask,
      load: [loadStart, loadavg()[0]],
    };
  } finally {
    progress('cleaning up');
    await system.close();
  }
}

/** Runs both phases on one system. Closes the system whatever happens. */
export async function runWorkload(system: QueueSystem, s: WorkloadSettings, progress: (line: string) => void): Promise<PeerResult> {
  const loadStart = loadavg()[0];
  try {
    progress('preparing');
    await system.prepare();

    // Phase 1: saturation. The whole backlog exists before any worker starts.
    const total = s.tasks + Math.ceil(s.rate * s.seconds);
    const seen = new Uint8Array(total);
    const sentAt = new Float64Array(total);
    const latencies: number[] = [];
    let satStarted = 0;
    let lastStart = 0;
    let duplicates = 0;
    const onStart = (seq: number) => {
      const now = performance.now();
      if (!Number.isInteger(seq) || seq < 0 || seq >= total) throw new Error(`${system.name}: task with unknown seq ${seq}`);
      if (seen[seq]++) duplicates++;
      else if (seq < s.tasks) {
        satStarted++;
        lastStart = now;
      } else latencies.push(now - sentAt[seq]);
    };
    const cpuB = cpuSnapshot(system.serverPid?.());
    const b0 = performance.now();
    const seqs = Array.from({ length: s.tasks }, (_, i) => i);
    await system.backlog(seqs);
    const backlogSeconds = (performance.now() - b0) / 1000;
    progress(`backlog of ${s.tasks} created in ${backlogSeconds.toFixed(1)} s; workers starting`);
    const cpu0 = cpuSnapshot(system.serverPid?.());
    const backlogCpu = perTask(cpuB, cpu0, s.tasks);
    const t0 = performance.now();
    await system.startWorkers(onStart);
    await until(
      () => satStarted >= s.tasks,
      s.timeoutMs,
      () => progress(`saturation ${satStarted}/${s.tasks} started`),
    );
    const satSeconds = ((satStarted ? lastStart : performance.now()) - t0) / 1000;
    const cpu1 = cpuSnapshot(system.serverPid?.());

    // Phase 2: fixed offered load, open loop: tasks are created on schedule whatever the system
    // answers, at most 256 create calls in flight (past that the system is saturated, and the
    // achieved rate shows it rather than the client drowning it).
    const n = total - s.tasks;
    let sent = 0;
    let inflight = 0;
    let failed: unknown;
    const createMs: number[] = [];
    const cpu2 = cpuSnapshot(system.serverPid?.());
    const started = performance.now();
    while (sent < n && !failed) {
      const due = Math.min(n, Math.floor(((performance.now() - started) / 1000) * s.rate));
      while (sent < due && inflight < 256) {
        const seq = s.tasks + sent++;
        inflight++;
        sentAt[seq] = performance.now();
        system.add(seq).then(
          () => {
            inflight--;
            createMs.push(performance.now() - sentAt[seq]);
          },
          (err) => {
            inflight--;
            failed ??= err;
          },
        );
      }
      progress(`latency: offered ${sent}/${n}, ${latencies.length} started`);
      await sleep(2);
    }
    await until(
      () => inflight === 0 || !!failed,
      s.timeoutMs,
      () => {},
    );
    if (failed) throw failed;
    const sendSeconds = (performance.now() - started) / 1000;
    await until(
      () => latencies.length >= n,
      s.timeoutMs,
      () => progress(`latency: ${latencies.length}/${n} started`),
    );
    const cpu3 = cpuSnapshot(system.serverPid?.());
    if (duplicates) throw new Error(`${system.name}: ${duplicates} tasks started twice`);
    latencies.sort((a, b) => a - b);
    createMs.sort((a, b) => a - b);
    return {
      name: system.name,
      setup: system.setup,
      backlog: { tasks: s.tasks, seconds: backlogSeconds, cpuMsPerTask: backlogCpu },
      saturation: {
        started: satStarted,
        seconds: satSeconds,
        perSecond: satStarted / satSeconds,
        cpuMsPerTask: perTask(cpu0, cpu1, Math.max(1, satStarted)),
      },
      latency: {
        offered: s.rate,
        sent,
        sendSeconds,
        started: latencies.length,
        p50: percentile(latencies, 50),
        p90: percentile(latencies, 90),
        p99: percentile(latencies, 99),
        max: latencies[latencies.length - 1] ?? NaN,
        createP50: percentile(createMs, 50),
        createP99: percentile(createMs, 99),
        cpuMsPerTask: perTask(cpu2, cpu3, Math.max(1, latencies.length)),
      },
      load: [loadStart, loadavg()[0]],
    };
  } finally {
    progress('cleaning up');
    await system.close();
  }
}

/** Waits for done(), at most timeoutMs (then carries on: the result shows how many started). */
async function until(done: () => boolean, timeoutMs: number, tick: () => void): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done() && performance.now() < deadline) {
    tick();
    await sleep(20);
  }
}
