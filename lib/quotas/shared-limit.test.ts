import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { dropRedisKeys, redisReachable, REDIS_URL } from '@/server/faults/redis-probe';

// Two processes sharing one Redis, as two servers behind a balancer would: their takes add up to
// one limit. Skipped when no Redis answers (the quota is then counted in the database, which the
// API tests cover).
const redisUp = await redisReachable(REDIS_URL);
const prefix = `ecs-quota-test-${randomBytes(4).toString('hex')}:`;
const children: ChildProcess[] = [];

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill();
  if (redisUp) await dropRedisKeys(prefix, REDIS_URL);
});

type Result = { granted: boolean; retryAfter?: number };

function startChild(key: string, limit: number, n: number) {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.resolve(import.meta.dirname, '../../test/quota-take-child.ts'), key, String(limit), String(n)],
    {
      env: { ...process.env, REDIS_URL, BUS_PREFIX: prefix, NODE_ENV: 'test', LOG_LEVEL: 'silent' },
      stdio: ['pipe', 'pipe', 'inherit'],
    },
  );
  children.push(child);
  const lines = createInterface({ input: child.stdout! });
  const queue: string[] = [];
  const waiters: ((l: string) => void)[] = [];
  lines.on('line', (l) => (waiters.length ? waiters.shift()!(l) : queue.push(l)));
  const next = () => new Promise<string>((resolve) => (queue.length ? resolve(queue.shift()!) : waiters.push(resolve)));
  return { child, next };
}

describe.skipIf(!redisUp)('quota rates across processes (Redis)', () => {
  it('two processes taking one key in parallel get exactly the limit between them; the rest are told when to retry', {
    timeout: 120_000,
  }, async () => {
    const key = `tasks-per-minute:shared-${randomBytes(3).toString('hex')}`;
    const a = startChild(key, 20, 15);
    const b = startChild(key, 20, 15);
    expect(await a.next()).toBe('ready');
    expect(await b.next()).toBe('ready');
    a.child.stdin!.write('go\n');
    b.child.stdin!.write('go\n');
    const results: Result[] = [...JSON.parse(await a.next()), ...JSON.parse(await b.next())];
    expect(results.filter((r) => r.granted)).toHaveLength(20);
    const refused = results.filter((r) => !r.granted);
    expect(refused).toHaveLength(10);
    for (const r of refused) expect(r.retryAfter).toBeGreaterThan(0);
    // The count lives in Redis, under the deployment's prefix.
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    expect(Number(await redis.get(`${prefix}rl:${key}`))).toBe(20);
    await redis.quit();
  });
});
