import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import { runtimeState } from '@/lib/health';
import { log } from '@/lib/log';

const makeClient = (url: string) => createClient({ url });
export type Redis = ReturnType<typeof makeClient>;
export type BusRedis = { client: Redis; prefix: string; close: () => Promise<void> };

/**
 * With REDIS_URL, Socket.IO rooms and broadcasts span every server process (the Redis adapter),
 * and the offline buffers live in Redis lists. Must run before the namespaces are created: a
 * namespace takes the adapter that is set when it is made. BUS_PREFIX keys apart deployments that
 * share one Redis (default `ecs:`).
 */
export async function attachRedis(io: Server, url: string, prefix = process.env.BUS_PREFIX || 'ecs:'): Promise<BusRedis> {
  const pub = makeClient(url);
  const sub = pub.duplicate();
  const health = runtimeState().bus;
  for (const c of [pub, sub]) {
    c.on('error', (err: Error) => {
      if (health.redis !== 'down') log().error({ err: err.message }, 'redis error');
      health.redis = 'down';
    });
    c.on('ready', () => (health.redis = pub.isReady && sub.isReady ? 'up' : health.redis));
  }
  await Promise.all([pub.connect(), sub.connect()]);
  health.redis = 'up';
  io.adapter(createAdapter(pub, sub, { key: `${prefix}socket.io` }));
  const handle: BusRedis = {
    client: pub,
    prefix,
    close: async () => {
      setBusRedis(undefined);
      await Promise.allSettled([pub.quit(), sub.quit()]);
      health.redis = 'off';
    },
  };
  setBusRedis(handle);
  return handle;
}

export function setBusRedis(r: BusRedis | undefined): void {
  (globalThis as { __ecsBusRedis?: BusRedis }).__ecsBusRedis = r;
}

export function busRedis(): BusRedis | undefined {
  return (globalThis as { __ecsBusRedis?: BusRedis }).__ecsBusRedis;
}
