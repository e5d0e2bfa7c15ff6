import { createAdapter } from '@socket.io/redis-adapter';
import { createClient } from 'redis';
import type { Server } from 'socket.io';
import { runtimeState } from '@/lib/health';
import { log } from '@/lib/log';

// Reconnect forever, at most every 2 s: the bus must rejoin on its own whenever Redis returns.
const reconnectStrategy = (retries: number) => Math.min(50 * 2 ** retries, 2000);
// No offline queue: while Redis is down a command fails at once instead of waiting for the
// reconnect, so a buffer read on agent connect can't stall that agent's live messages, and
// stale broadcasts aren't flushed to the other processes minutes later.
const makeClient = (url: string) => createClient({ url, disableOfflineQueue: true, socket: { reconnectStrategy } });
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
  io.adapter(createAdapter(publishSafely(pub), sub, { key: `${prefix}socket.io` }));
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

/**
 * The adapter fires PUBLISH without awaiting or catching it; with Redis down each one rejects,
 * and an unhandled rejection ends the process. This view of the client catches and counts them:
 * the broadcast already reached this process's own sockets, only the other processes miss it.
 */
function publishSafely(pub: Redis): Redis {
  let failed = 0;
  return new Proxy(pub, {
    get(target, prop, receiver) {
      if (prop === 'publish') {
        return (...args: Parameters<Redis['publish']>) =>
          target.publish(...args).catch((err: Error) => {
            if (failed++ % 1000 === 0) log().warn({ err: err.message, failed }, 'redis publish failed: broadcast stayed on this process');
            return 0;
          });
      }
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

export function setBusRedis(r: BusRedis | undefined): void {
  (globalThis as { __ecsBusRedis?: BusRedis }).__ecsBusRedis = r;
}

export function busRedis(): BusRedis | undefined {
  return (globalThis as { __ecsBusRedis?: BusRedis }).__ecsBusRedis;
}
