import { PgBoss } from 'pg-boss';
import { freshDatabase, type FreshDatabase } from '../support/database';
import type { QueueSystem, Settings } from './types';

const QUEUE = 'bench';
const VERSION = '12.38.1';

/**
 * pg-boss 12 on its own fresh database: one work() call with localConcurrency 2 (two fetch loops, one
 * per core), each fetching up to batchSize jobs into one handler call (the handler gets the array) and
 * completing them together. burstWhenBatchFull: a loop whose fetch came back full fetches again at
 * once instead of sleeping out its interval, so a backlog drains without polling gaps.
 * - LISTEN/NOTIFY (the library's own low-latency mode): useListenNotify on the instance and
 *   `notify: true` on the queue, so every send commits a pg_notify that wakes the loops at once;
 *   polling stays as a 30 s backstop (notifyPollingIntervalSeconds default). batchSize = slots / 2,
 *   so at most `slots` jobs are in flight as on the other systems.
 * - polling: no notification; a loop sleeps 0.5 s (the minimum pg-boss allows) after a short fetch,
 *   so it caps at 2 × batchSize per 0.5 s. batchSize is sized so that cap is twice the offered rate
 *   (at `slots` it would be 2 × slots/s, far below the offered load, and its latency would show only
 *   that cap).
 */
export function pgBoss(settings: Settings, notify: boolean): QueueSystem {
  const loops = 2; // one fetch loop per core
  const interval = 0.5;
  const batchSize = notify
    ? Math.max(1, Math.round(settings.slots / loops))
    : Math.max(1, Math.ceil((2 * settings.rate * interval) / loops));
  let db: FreshDatabase | undefined;
  let boss: PgBoss | undefined;
  return {
    name: notify ? 'pg-boss (LISTEN/NOTIFY)' : 'pg-boss (polling 0.5 s)',
    setup: `pg-boss ${VERSION}, work() with localConcurrency ${loops} × batchSize ${batchSize}, burstWhenBatchFull, ${
      notify
        ? `useListenNotify and a queue with notify: true (pollingIntervalSeconds ${interval}, notifyPollingIntervalSeconds 30 as the backstop)`
        : `pollingIntervalSeconds ${interval}, no notification (batch sized for twice the offered rate: up to ${loops * batchSize} in flight, not ${settings.slots})`
    }`,
    async prepare() {
      db = await freshDatabase('pgboss');
      boss = new PgBoss({
        connectionString: db.url,
        max: 10,
        supervise: false,
        schedule: false,
        migrate: true,
        useListenNotify: notify,
      });
      boss.on('error', (err) => console.error('[pg-boss]', err.message));
      // A LISTEN that could not be set up means polling only: say so rather than time the poll.
      boss.on('warning', (w) => console.error('[pg-boss warning]', w.message));
      await boss.start();
      await boss.createQueue(QUEUE, { notify });
    },
    async backlog(seqs) {
      for (let i = 0; i < seqs.length; i += 1000)
        await boss!.insert(
          QUEUE,
          seqs.slice(i, i + 1000).map((seq) => ({ data: { seq } })),
        );
    },
    async startWorkers(onStart) {
      await boss!.work<{ seq: number }>(
        QUEUE,
        { localConcurrency: loops, batchSize, pollingIntervalSeconds: interval, burstWhenBatchFull: true },
        async (jobs) => {
          for (const j of jobs) onStart(j.data.seq);
        },
      );
    },
    async add(seq) {
      await boss!.send(QUEUE, { seq });
    },
    async close() {
      await boss?.stop({ graceful: false, timeout: 5000 }).catch(() => {});
      await db?.drop();
    },
  };
}
