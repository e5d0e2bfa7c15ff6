// Preloaded (`--import`) into a bench server process started with an IPC channel and --expose-gc:
// answers {probe} with memory after a full GC, heap spaces and CPU, and {snapshot} with a heap
// snapshot file, so a bench can see what a process holds without adding a route to the product.
// {loop} answers the event-loop delay since the previous {loop} (no GC: for latency phases).
import v8 from 'node:v8';
import { monitorEventLoopDelay } from 'node:perf_hooks';

export type Probe = {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
  cpuMicros: number;
  spaces: Record<string, number>;
};

export type LoopDelay = { p50Ms: number; p99Ms: number; maxMs: number };

type Ask = { probe?: number; snapshot?: string; loop?: number };

const delay = monitorEventLoopDelay({ resolution: 2 });
delay.enable();

if (process.send) {
  process.on('message', (m: Ask) => {
    if (m?.probe !== undefined) {
      // Twice: the first pass runs finalizers that free more on the second.
      globalThis.gc?.();
      globalThis.gc?.();
      const mem = process.memoryUsage();
      const cpu = process.cpuUsage();
      const spaces = Object.fromEntries(v8.getHeapSpaceStatistics().map((s) => [s.space_name, s.space_used_size]));
      const reply: Probe = {
        rss: mem.rss,
        heapUsed: mem.heapUsed,
        heapTotal: mem.heapTotal,
        external: mem.external,
        arrayBuffers: mem.arrayBuffers,
        cpuMicros: cpu.user + cpu.system,
        spaces,
      };
      process.send!({ probe: m.probe, ...reply });
    } else if (m?.loop !== undefined) {
      const loop: LoopDelay = { p50Ms: delay.percentile(50) / 1e6, p99Ms: delay.percentile(99) / 1e6, maxMs: delay.max / 1e6 };
      delay.reset();
      process.send!({ loop });
    } else if (m?.snapshot) {
      process.send!({ snapshot: v8.writeHeapSnapshot(m.snapshot) });
    }
  });
  // The IPC channel must not keep a server alive that was told to stop.
  process.channel?.unref();
}
