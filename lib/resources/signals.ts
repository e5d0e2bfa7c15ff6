import { EventEmitter } from 'node:events';

/**
 * "Units went back to a department's pools": wakes requests waiting in the queue. On globalThis
 * because Next's bundle and the custom server load lib/ twice and both must wake the same waiters.
 */
function emitter(): EventEmitter {
  const g = globalThis as { __ecsResourceSignals?: EventEmitter };
  if (!g.__ecsResourceSignals) {
    g.__ecsResourceSignals = new EventEmitter();
    g.__ecsResourceSignals.setMaxListeners(0);
  }
  return g.__ecsResourceSignals;
}

export function signalFreed(departmentId: string): void {
  emitter().emit('freed', departmentId);
}

/**
 * Resolves when units are freed in the department, or after `ms`: releases made by another
 * process, or by code that doesn't signal (task completion in dispatch), are found by the retry.
 */
export function waitForFreed(departmentId: string, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      emitter().off('freed', onFreed);
      resolve();
    };
    const onFreed = (d: string) => d === departmentId && done();
    const timer = setTimeout(done, ms);
    emitter().on('freed', onFreed);
  });
}
