import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClient } from 'redis';
import { randomUUID } from 'node:crypto';
import type { Envelope } from '@/lib/bus/envelope';
import { busStats, resetBusStats } from '@/lib/metrics/bus-stats';
import type { Redis } from './redis';
import { BUFFER_TTL_MS, MemoryBuffer, RedisBuffer, type MessageBuffer } from './buffer';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const base = Date.now();
const msg = (n: number, sentAt = base + n): Envelope => ({ id: `m${n}`, from: { system: true }, type: 't', data: { n }, sentAt });
const ns = (xs: Envelope[]) => xs.map((e) => (e.data as { n: number }).n);

let redis: Redis | undefined;
const prefix = `ecs-test-${randomUUID().slice(0, 8)}:`;

beforeAll(async () => {
  const c = createClient({ url: REDIS_URL, socket: { reconnectStrategy: false, connectTimeout: 1000 } });
  c.on('error', () => {});
  redis = await c.connect().then(
    () => c as unknown as Redis,
    () => undefined,
  );
});

afterAll(async () => {
  if (!redis) return;
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(keys);
  await redis.quit();
});

const kinds: [string, () => MessageBuffer | undefined][] = [
  ['memory', () => new MemoryBuffer(3)],
  ['redis', () => (redis ? new RedisBuffer(redis, 3, `${prefix}${randomUUID().slice(0, 4)}:`) : undefined)],
];

describe.each(kinds)('%s offline buffer', (_name, make) => {
  it('keeps at most MESSAGE_BUFFER_SIZE per agent, drops the oldest and counts them', async (ctx) => {
    const b = make();
    if (!b) return ctx.skip();
    resetBusStats();
    for (let n = 0; n < 5; n++) await b.push('a1', msg(n));
    await b.push('a2', msg(9));
    expect(b.depth()).toBe(4);
    expect(busStats().drops.overflow).toBe(2);
    expect(ns(await b.drain('a1'))).toEqual([2, 3, 4]);
    expect(await b.drain('a1')).toEqual([]);
    expect(ns(await b.drain('a2'))).toEqual([9]);
    expect(b.depth()).toBe(0);
  });

  it('counts expired messages instead of delivering them, and replays the rest in send order', async (ctx) => {
    const b = make();
    if (!b) return ctx.skip();
    resetBusStats();
    await b.push('a1', msg(1, Date.now() - BUFFER_TTL_MS - 1));
    await b.push('a1', msg(3));
    await b.push('a1', msg(2));
    expect(ns(await b.drain('a1'))).toEqual([2, 3]);
    expect(busStats().drops.expired).toBe(1);
  });

  it('puts unacknowledged messages back ahead of newer ones', async (ctx) => {
    const b = make();
    if (!b) return ctx.skip();
    await b.push('a1', msg(3));
    await b.unshift('a1', [msg(1), msg(2)]);
    expect(ns(await b.drain('a1'))).toEqual([1, 2, 3]);
  });
});
