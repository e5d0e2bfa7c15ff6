import { Logger, makeWorkerUtils, run, type Runner, type WorkerUtils } from 'graphile-worker';
import { freshDatabase, type FreshDatabase } from '../support/database';
import type { QueueSystem, Settings } from './types';

// Errors only: by default it logs a line per job, which would time the console, not the queue.
const quiet = new Logger(() => (level, message) => {
  if (level === 'error') console.error('[graphile-worker]', message);
});

/**
 * graphile-worker 0.18 on its own fresh database, one runner process (its perfTest runs 4 × 24 on big
 * machines; here one runner of `slots` concurrency for 2 cores). New jobs wake it through
 * LISTEN/NOTIFY (its default); pollInterval (2 s default) is only the fallback. The pool is sized as
 * its docs advise (the larger of 10 and concurrency + 2), so no job waits for a connection. No
 * localQueue and no completeJobBatchDelay: both cut database load at some cost in latency (a local
 * queue locks jobs ahead of idle workers; batched completions hold locks longer).
 */
export function graphileWorker(settings: Settings): QueueSystem {
  const maxPoolSize = Math.max(10, settings.slots + 2);
  let db: FreshDatabase | undefined;
  let utils: WorkerUtils | undefined;
  let runner: Runner | undefined;
  return {
    name: 'graphile-worker',
    setup: `graphile-worker 0.18.0, 1 runner × concurrency ${settings.slots}, maxPoolSize ${maxPoolSize}, LISTEN/NOTIFY, default pollInterval 2 s, no localQueue, no completeJobBatchDelay`,
    async prepare() {
      db = await freshDatabase('graphile');
      utils = await makeWorkerUtils({ connectionString: db.url, logger: quiet });
      await utils.migrate();
    },
    async backlog(seqs) {
      for (let i = 0; i < seqs.length; i += 1000)
        await utils!.addJobs(seqs.slice(i, i + 1000).map((seq) => ({ identifier: 'bench', payload: { seq } })));
    },
    async startWorkers(onStart) {
      runner = await run({
        connectionString: db!.url,
        concurrency: settings.slots,
        maxPoolSize,
        noHandleSignals: true,
        logger: quiet,
        taskList: {
          bench: async (payload) => onStart((payload as { seq: number }).seq),
        },
      });
    },
    async add(seq) {
      await utils!.addJob('bench', { seq });
    },
    async close() {
      await runner?.stop().catch(() => {});
      await Promise.resolve(utils?.release()).catch(() => {});
      await db?.drop();
    },
  };
}
