import { createClient } from 'redis';

export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Whether the machine's Redis answers: the multi-process tests skip without it. */
export async function redisReachable(url = REDIS_URL): Promise<boolean> {
  const c = createClient({ url, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  c.on('error', () => {});
  try {
    await c.connect();
    await c.quit();
    return true;
  } catch {
    return false;
  }
}

/** Deletes a test's bus keys (its BUS_PREFIX) from Redis. */
export async function dropRedisKeys(prefix: string, url = REDIS_URL): Promise<void> {
  const r = createClient({ url });
  await r.connect();
  const keys = await r.keys(`${prefix}*`);
  if (keys.length) await r.del(keys);
  await r.quit();
}
