import { monitorEventLoopDelay } from 'node:perf_hooks';

export type Probe = { cpu: NodeJS.CpuUsage; loopDelayP99Ms: number; loopDelayMaxMs: number };

/**
 * For a server process forked by a benchmark: answers the IPC message 'cpu' with its CPU time so far
 * and its event-loop delay since the previous 'cpu' (then starts a new window), so the benchmark can
 * tell a server that is late from clients that are.
 */
export function answerProbes(): void {
  const delay = monitorEventLoopDelay({ resolution: 5 });
  delay.enable();
  process.on('message', (m) => {
    if (m !== 'cpu') return;
    const probe: Probe = { cpu: process.cpuUsage(), loopDelayP99Ms: delay.percentile(99) / 1e6, loopDelayMaxMs: delay.max / 1e6 };
    delay.reset();
    process.send!(probe);
  });
}
