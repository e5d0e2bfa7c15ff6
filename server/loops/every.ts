import { log } from '@/lib/log';

/**
 * Runs `fn` every `ms`, never overlapping itself; a failure is logged and the next run backs off
 * (up to 30 s) so a database outage doesn't flood the log.
 */
export function every(name: string, ms: number, fn: () => Promise<unknown>): () => void {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let failures = 0;
  const tick = async () => {
    if (stopped) return;
    try {
      await fn();
      failures = 0;
    } catch (err) {
      failures++;
      if (failures === 1 || failures % 10 === 0) log().error({ loop: name, failures, err: (err as Error).message }, 'loop failed');
    }
    if (!stopped) timer = setTimeout(tick, failures ? Math.min(30_000, ms * 2 ** failures) : ms);
  };
  timer = setTimeout(tick, ms);
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
