import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { runtimeState } from '../health';

export type Self = { id: string; host: string; pid: number; startedAt: Date; loopDelay: IntervalHistogram };

/** This process's identity, once per process (on globalThis: Next's bundle loads lib/ a second time). */
export function self(): Self {
  const g = globalThis as { __ecsClusterSelf?: Self };
  if (!g.__ecsClusterSelf) {
    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    const host = os.hostname();
    // The random part keeps a restarted process (same pid in a container) apart from its predecessor.
    g.__ecsClusterSelf = {
      id: `${host}:${process.pid}:${randomBytes(3).toString('hex')}`,
      host,
      pid: process.pid,
      startedAt: new Date(runtimeState().startedAt),
      loopDelay,
    };
  }
  return g.__ecsClusterSelf;
}
