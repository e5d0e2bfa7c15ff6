import { RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Db } from '@/db/client';
import { log } from '../log';
import { pruneRateLimits } from '@/db/queries/rate-limits';
import { RateLimiterDb } from './db-store';
import { quotaRedis, quotaRedisPrefix } from './redis';

export type Limit = { points: number; durationSec: number };

/** A granted take can be given back (the attempt turned out not to count); a refused one says when to retry. */
export type Take =
  | { granted: true; consumed: number; giveBack: () => Promise<void> }
  | { granted: false; retryAfter: number; consumed: number };

/**
 * `database`: always the rate_limits table (login and agent-secret throttles: those requests touch
 * the database anyway, and one store keeps their guarantees in one place). `shared`: Redis when
 * REDIS_URL is set, with the database as rate-limiter-flexible's insurance limiter while Redis is
 * unreachable; the database otherwise. Either way every server process counts against one total.
 */
export type Store = 'database' | 'shared';

const cache = new WeakMap<Db, Map<string, RateLimiterAbstract>>();
const redisOnly = new Map<string, RateLimiterAbstract>();

/** `db` null: Redis alone, no insurance (a process that has no database of its own; tests). */
async function limiterFor(db: Db | null, limit: Limit, store: Store): Promise<RateLimiterAbstract> {
  let byDb = db ? cache.get(db) : redisOnly;
  if (!byDb) cache.set(db!, (byDb = new Map()));
  const redis = store === 'shared' ? await quotaRedis() : undefined;
  const id = `${redis ? 'redis' : 'db'}:${limit.points}:${limit.durationSec}`;
  let l = byDb.get(id);
  if (!l) {
    const inDb = db ? new RateLimiterDb({ db, keyPrefix: 'ecs', points: limit.points, duration: limit.durationSec }) : undefined;
    if (!redis && !inDb) throw new Error('No store: neither REDIS_URL nor a database');
    l = redis
      ? new RateLimiterRedis({
          storeClient: redis,
          useRedisPackage: true,
          keyPrefix: quotaRedisPrefix(),
          points: limit.points,
          duration: limit.durationSec,
          insuranceLimiter: inDb,
        })
      : inDb!;
    byDb.set(id, l);
  }
  return l;
}

/**
 * Takes `n` points of `limit` under `key` before the caller acts, atomically in the shared store,
 * so parallel requests and several processes can't get more than the limit between them. A
 * refused take gives its points straight back: refusals don't stretch the wait of the next caller.
 */
export async function take(db: Db | null, key: string, limit: Limit, opts: { n?: number; store?: Store } = {}): Promise<Take> {
  const n = opts.n ?? 1;
  const store = opts.store ?? 'shared';
  const limiter = await limiterFor(db, limit, store);
  if (db && limiter instanceof RateLimiterDb) maybePrune(db);
  try {
    const res = await limiter.consume(key, n);
    return { granted: true, consumed: res.consumedPoints, giveBack: () => giveBack(limiter, key, n) };
  } catch (err) {
    if (!(err instanceof RateLimiterRes)) throw err;
    await giveBack(limiter, key, n);
    return { granted: false, retryAfter: Math.max(1, Math.ceil(err.msBeforeNext / 1000)), consumed: err.consumedPoints - n };
  }
}

/** Points used in the current window (0 when none), for display and metrics. */
export async function used(db: Db, key: string, limit: Limit, store: Store = 'shared'): Promise<number> {
  const res = await (await limiterFor(db, limit, store)).get(key);
  return res?.consumedPoints ?? 0;
}

async function giveBack(limiter: RateLimiterAbstract, key: string, n: number): Promise<void> {
  await limiter.reward(key, n).catch((err) => log().warn({ err, key }, 'giving rate-limit points back failed'));
}

// Old windows are cleared now and then by whichever request comes by: no loop to schedule.
function maybePrune(db: Db) {
  if (Math.random() >= 0.01) return;
  pruneRateLimits(db).catch((err) => log().warn({ err }, 'pruning rate limits failed'));
}
