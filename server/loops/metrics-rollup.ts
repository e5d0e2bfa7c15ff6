import { getDb } from '@/db/client';
import { env } from '@/lib/env';
import { log } from '@/lib/log';
import { levelsRolledUp, MINUTE, pruneHistory, rollUpMinute } from '@/lib/metrics/rollup';
import type { Job } from '../jobs/registry';

/** Two seconds after a minute closes, its late events have landed. */
const SETTLE_MS = 2_000;
const untilNextMinute = () => Math.max(1_000, Math.floor((Date.now() - SETTLE_MS) / MINUTE) * MINUTE + MINUTE + SETTLE_MS - Date.now());

/**
 * Each minute, a few seconds after it closes, writes that minute's samples. Counts are this
 * process's own (every process writes its rows); levels are the cluster's (the leader writes
 * them once). Prunes old samples once an hour.
 */
export function metricsRollupJobs(): Job[] {
  // The first minute this process saw whole: earlier minutes' events happened before we counted.
  let next = Math.ceil(Date.now() / MINUTE) * MINUTE;
  return [
    {
      name: 'metrics.rollup-counts',
      scope: 'every-process',
      everyMs: MINUTE,
      housekeeping: true,
      firstDelayMs: untilNextMinute(),
      nextDelayMs: untilNextMinute,
      run: async () => {
        while (next + MINUTE <= Date.now() - SETTLE_MS) {
          await rollUpMinute(getDb(), next, 'counts');
          next += MINUTE;
        }
      },
    },
    {
      name: 'metrics.rollup-levels',
      scope: 'once-per-cluster',
      everyMs: MINUTE,
      housekeeping: true,
      firstDelayMs: untilNextMinute(),
      nextDelayMs: untilNextMinute,
      // Levels are a reading taken now, so only the minute that just closed; a leader that took
      // over after the old one wrote it leaves it alone.
      run: async () => {
        const minute = Math.floor((Date.now() - SETTLE_MS) / MINUTE) * MINUTE - MINUTE;
        if (!(await levelsRolledUp(getDb(), minute))) await rollUpMinute(getDb(), minute, 'levels');
      },
    },
    {
      name: 'metrics.prune',
      scope: 'once-per-cluster',
      everyMs: 3_600_000,
      housekeeping: true,
      firstDelayMs: MINUTE,
      run: async () => {
        const days = env().METRICS_RETENTION_DAYS;
        const n = await pruneHistory(getDb(), days, Date.now());
        if (n) log().info(`metrics: pruned ${n} samples older than ${days} d`);
      },
    },
  ];
}
