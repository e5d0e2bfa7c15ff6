// One process of the cross-process quota test (lib/quotas/shared-limit.test.ts): waits for "go"
// on stdin, then takes `n` points in parallel under one key and limit, and prints what it got.
import { createInterface } from 'node:readline';
import { take } from '../lib/quotas/limiter';
import { closeQuotaRedis, quotaRedis } from '../lib/quotas/redis';

const [key, limit, n] = [process.argv[2], Number(process.argv[3]), Number(process.argv[4])];
const redis = await quotaRedis();
if (!redis) throw new Error('REDIS_URL is not set');
while (!redis.isReady) await new Promise((r) => setTimeout(r, 20));
console.log('ready');
await new Promise<void>((resolve) => createInterface({ input: process.stdin }).once('line', () => resolve()));
// No database: Redis alone, so a take can't fall back and count somewhere else unnoticed.
const results = await Promise.all(Array.from({ length: n }, () => take(null, key, { points: limit, durationSec: 60 })));
console.log(JSON.stringify(results.map((r) => (r.granted ? { granted: true } : { granted: false, retryAfter: r.retryAfter }))));
await closeQuotaRedis();
process.exit(0);
