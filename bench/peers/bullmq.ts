import { Queue, Worker } from 'bullmq';
import { deleteRedisPrefix } from '../support/leftovers';
import type { QueueSystem, Settings } from './types';

const redisUrl = () => new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');

/**
 * BullMQ 6 (ioredis) on the machine's Redis, under a prefix of its own that close() removes. One
 * Worker of `slots` concurrency; it blocks on Redis for new jobs (no polling). Completed jobs are
 * removed at once (removeOnComplete), as a production queue at this rate would be configured.
 */
export function bullmq(settings: Settings): QueueSystem {
  // The runner passes the prefix, so it can clean up after a child that died before close().
  const prefix = process.env.BENCH_BULLMQ_PREFIX ?? `ecs-bench-${Date.now().toString(36)}`;
  const u = redisUrl();
  const connection = { host: u.hostname, port: Number(u.port || 6379), db: Number(u.pathname.slice(1) || 0) };
  let queue: Queue | undefined;
  let worker: Worker | undefined;
  const opts = { removeOnComplete: true, removeOnFail: 1000 };
  return {
    name: 'BullMQ',
    setup: `BullMQ 6.7.6 with ioredis 6, 1 Worker × concurrency ${settings.slots}, prefix ${prefix} (deleted after), removeOnComplete`,
    async prepare() {
      queue = new Queue('bench', { connection, prefix });
      await queue.waitUntilReady();
    },
    async backlog(seqs) {
      for (let i = 0; i < seqs.length; i += 1000)
        await queue!.addBulk(seqs.slice(i, i + 1000).map((seq) => ({ name: 'bench', data: { seq }, opts })));
    },
    async startWorkers(onStart) {
      worker = new Worker('bench', async (job) => onStart(job.data.seq), { connection, prefix, concurrency: settings.slots });
      worker.on('error', (err) => console.error('[bullmq]', err.message));
      await worker.waitUntilReady();
    },
    async add(seq) {
      await queue!.add('bench', { seq }, opts);
    },
    async close() {
      await worker?.close(true).catch(() => {});
      if (queue) {
        await queue.obliterate({ force: true }).catch(() => {});
        await queue.close();
      }
      // obliterate leaves a few bookkeeping keys (meta, id counter): delete whatever carries the prefix.
      await deleteRedisPrefix(prefix);
    },
  };
}
