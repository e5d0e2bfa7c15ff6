import PgBoss from 'pg-boss';
import { freshDatabase, type FreshDatabase } from '../support/database';
import type { QueueSystem, Settings } from './types';

const QUEUE = 'bench';

/**
 * pg-boss 10 on its own fresh database, 2 workers (fetch loops). Its workers poll: a worker fetches up
 * to batchSize jobs, runs them, then sleeps out the rest of the polling interval (0.5 s is the minimum
 * pg-boss allows) even when jobs are waiting, so polling caps it at 2 × batchSize per 0.5 s.
 * - notified: batchSize = slots / 2 like the others' slots; the producer wakes every worker after each
 *   send (boss.notifyWorker, the library's own way round the poll) and a worker that fetched a full
 *   batch wakes the workers to fetch again at once.
 * - polling: no notification; batchSize sized so the cap is twice the offered rate (at `slots` it
 *   would be 2 × slots/s, far below the offered load, and its latency would show only that cap).
 */
export function pgBoss(settings: Settings, notify: boolean): QueueSystem {
  const workers = 2; // one fetch loop per core
  const interval = 0.5;
  const batchSize = notify
    ? Math.max(1, Math.round(settings.slots / workers))
    : Math.max(1, Math.ceil((2 * settings.rate * interval) / workers));
  let db: FreshDatabase | undefined;
  let boss: PgBoss | undefined;
  const workerIds: string[] = [];
  return {
    name: notify ? 'pg-boss (notified)' : 'pg-boss (polling 0.5 s)',
    setup: `pg-boss 10.4.2, ${workers} workers × batchSize ${batchSize}, pollingIntervalSeconds ${interval}${notify ? ', notifyWorker after each send and after a full batch' : `, no notification (batch sized for twice the offered rate: up to ${workers * batchSize} in flight, not ${settings.slots})`}`,
    async prepare() {
      db = await freshDatabase('pgboss');
      boss = new PgBoss({ connectionString: db.url, max: 10, supervise: false, schedule: false, migrate: true });
      boss.on('error', (err) => console.error('[pg-boss]', err.message));
      await boss.start();
      await boss.createQueue(QUEUE);
    },
    async backlog(seqs) {
      for (let i = 0; i < seqs.length; i += 1000)
        await boss!.insert(seqs.slice(i, i + 1000).map((seq) => ({ name: QUEUE, data: { seq } })));
    },
    async startWorkers(onStart) {
      for (let w = 0; w < workers; w++) {
        const id = await boss!.work<{ seq: number }>(QUEUE, { batchSize, pollingIntervalSeconds: interval }, async (jobs) => {
          for (const j of jobs) onStart(j.data.seq);
          if (notify && jobs.length === batchSize) for (const w of workerIds) boss!.notifyWorker(w);
        });
        workerIds.push(id);
      }
    },
    async add(seq) {
      await boss!.send(QUEUE, { seq });
      if (notify) for (const id of workerIds) boss!.notifyWorker(id);
    },
    async close() {
      await boss?.stop({ graceful: false, wait: true, timeout: 5000 }).catch(() => {});
      await db?.drop();
    },
  };
}
