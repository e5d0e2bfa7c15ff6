import { createClient } from 'redis';
import { env } from '../env';
import { log } from '../log';

const makeClient = (url: string) =>
  // No offline queue: while Redis is down a command fails at once and the limiter falls back to
  // the database (its insurance limiter) instead of waiting for the reconnect.
  createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy: (n: number) => Math.min(50 * 2 ** n, 2000) } });
export type QuotaRedis = ReturnType<typeof makeClient>;

type Holder = { client?: QuotaRedis; url?: string; first?: Promise<void> };

/**
 * The Redis client quota counters use when REDIS_URL is set; one per process, on globalThis (Next's
 * bundle and the custom server load lib/ twice). It connects on first use; shutdown closes it
 * (closeQuotaRedis). undefined without REDIS_URL.
 */
export async function quotaRedis(): Promise<QuotaRedis | undefined> {
  const url = env().REDIS_URL;
  if (!url) return undefined;
  const g = globalThis as { __ecsQuotaRedis?: Holder };
  const h = (g.__ecsQuotaRedis ??= {});
  // The first takes wait for the first connection (or its failure): counted in the database
  // meanwhile, they would split one window between two stores.
  if (h.client && h.url === url) return h.first ? h.first.then(() => h.client) : h.client;
  const client = makeClient(url);
  let warned = false;
  client.on('error', (err: Error) => {
    if (!warned) log().warn({ err: err.message }, 'quota redis error: counting in the database until it is back');
    warned = true;
  });
  client.on('ready', () => (warned = false));
  h.client = client;
  h.url = url;
  h.first = client
    .connect()
    .then(
      () => undefined,
      () => undefined,
    )
    .finally(() => (h.first = undefined));
  await h.first;
  return client;
}

/** Key prefix in Redis: BUS_PREFIX keys apart deployments (and tests) sharing one Redis. */
export const quotaRedisPrefix = () => `${process.env.BUS_PREFIX || 'ecs:'}rl`;

export async function closeQuotaRedis(): Promise<void> {
  const g = globalThis as { __ecsQuotaRedis?: Holder };
  const c = g.__ecsQuotaRedis?.client;
  g.__ecsQuotaRedis = undefined;
  if (c?.isOpen) await c.quit().catch(() => undefined);
}
