/**
 * One harness server in its own process, for tests that need several server processes sharing
 * Postgres and Redis (scale-out). Prints `{"url": ...}` on stdout once listening; SIGTERM stops it.
 * Env: DATABASE_URL (already migrated), REDIS_URL, BUS_PREFIX, AUTH_SECRET.
 */
import { openDb, setDbHandle } from '@/db/client';
import { runtimeState } from '@/lib/health';
import { startHarness } from './harness';

const url = process.env.DATABASE_URL;
const redisUrl = process.env.REDIS_URL;
if (!url || !redisUrl) throw new Error('DATABASE_URL and REDIS_URL are required');
const handle = await openDb({ url });
setDbHandle(handle);
runtimeState().migrated = true;
const h = await startHarness({ redis: { url: redisUrl, prefix: process.env.BUS_PREFIX ?? 'ecs:' } });
process.stdout.write(JSON.stringify({ url: h.url }) + '\n');
process.on('SIGTERM', () => {
  void (async () => {
    await h.close();
    await handle.close();
    process.exit(0);
  })();
});
