import PgBoss from 'pg-boss';
import { freshDatabase, type FreshDatabase } from '../support/database';
import type { QueueSystem, Settings } from './types';

const QUEUE = 'bench';

/**
 * pg-boss 10 on its own fresh database. Its workers poll: a worker fetches up to batchSize jobs, runs
 * them, then sleeps out the rest of the polling interval (0.5 s is the minimum pg-boss allows) even
 * when jobs are waiting. With `notify`, the producer wakes every worker after each send
 * (boss.notifyWorker, the library's own way round the poll) and a worker that fetched a full batch
 * wakes the workers to fetch again at once.
 */
export function pgBoss(settings: Settings, notify: boolean): QueueSystem {
  const workers = 2; // one fetch loop per core
  const batchSize = Math.max(1, Math.round(settings.slots / workers));
  let db: FreshDatabase | undefined;
  let boss: PgBoss | undefined;
  const workerIds: string[] = [];
  return {
    name: notify ? 'pg-boss (notified)' : 'pg-boss (polling 0.5 s)',
    setup: `pg-boss 10.4.2, ${workers} workers × batchSize ${batchSize}, pollingIntervalSeconds 0.5${notify ? ', notifyWorker after each send and after a full batch' : ', no notification'}`,
    async prepare() {
      db = await freshDatabase('pgboss');
      boss = new PgBoss({ connectionString: db.url, max: 10, supervise: false, schedule: false, migrate: true });
      boss.on('error', (err) => console.error('[pg-boss]', err.message));
      await boss.start();
      await boss.createQueue(QUEUE);
    },
    async backlog(seqs) {
      for (let i = 0; i < seqs.length; i += 1000) await boss!.insert(seqs.slice(i, i + 1000).map((seq) => ({ name: QUEUE, data: { seq } })));
    },
    async startWorkers(onStart) {
      for (let w = 0; w < workers; w++) {
        const id = await boss!.work<{ seq: number }>(QUEUE, { batchSize, pollingIntervalSeconds: 0.5 }, async (jobs) => {
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
