import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { MINUTE, pruneHistory, rollUpMinute } from '@/lib/metrics/rollup';

/**
 * Each minute, a few seconds after it closes, writes that minute's samples; prunes once an hour.
 * Timer chained with setTimeout so a slow database never stacks two roll-ups.
 */
export function startMetricsRollup(log: (m: string) => void = () => {}): () => void {
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let lastPrune = 0;
  // The first minute this process saw whole: earlier minutes' events happened before we counted.
  let next = Math.ceil(Date.now() / MINUTE) * MINUTE;

  const tick = async () => {
    const now = Date.now();
    try {
      while (next + MINUTE <= now - 2_000) {
        await rollUpMinute(getDb(), next);
        next += MINUTE;
      }
      if (now - lastPrune > 3_600_000) {
        lastPrune = now;
        const n = await pruneHistory(getDb(), env().METRICS_RETENTION_DAYS, now);
        if (n) log(`metrics: pruned ${n} samples older than ${env().METRICS_RETENTION_DAYS} d`);
      }
    } catch (err) {
      log(`metrics roll-up failed: ${(err as Error).message}`);
    }
    if (!stopped) timer = setTimeout(tick, Math.max(1_000, next + MINUTE + 2_000 - Date.now()));
  };
  timer = setTimeout(tick, Math.max(1_000, next + MINUTE + 2_000 - Date.now()));
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}
