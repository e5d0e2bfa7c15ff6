// The API + Socket.IO server without Next's pages, as its own process: for benchmarks and fault
// tests that need a real process to measure or kill. Prints "listening <url>" when ready.
// With REDIS_URL, the Redis adapter joins it to other such processes (BUS_PREFIX keys them apart).
import { bootCore } from '../server/boot';
import { startHarness } from './harness';

const handle = await bootCore(() => {});
const redisUrl = process.env.REDIS_URL;
const h = await startHarness({
  port: Number(process.env.PORT ?? 0),
  redis: redisUrl ? { url: redisUrl, prefix: process.env.BUS_PREFIX ?? 'ecs:' } : undefined,
});
console.log(`listening ${h.url}`);
const stop = async () => {
  await h.close();
  await handle.close();
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.on('SIGINT', () => void stop());
