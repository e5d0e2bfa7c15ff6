import { RateLimiterRes } from 'rate-limiter-flexible';
// Not exported by the package's index at run time (its types do declare it): see store-abstract.d.ts.
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js';
import type { Db } from '@/db/client';
import { deleteRateWindow, rateWindow, takeRatePoints, type RateLimitRow as Row } from '@/db/queries/rate-limits';

/**
 * rate-limiter-flexible's fixed-window counter kept in our own database (table rate_limits).
 * Its RateLimiterPostgres wants a `pg` client, and postgres.js and PGlite are not one; its
 * RateLimiterDrizzle loads drizzle-orm through a computed import() (a second copy outside Next's
 * bundle) and times windows by each process's clock. This store answers the library's three
 * calls with one statement each against whichever Db we have, on the database's clock, so every
 * process (and PGlite's one) counts against the same row: `consume` takes its points atomically
 * before the caller acts, and whoever's total passes the limit is refused.
 */
export class RateLimiterDb extends RateLimiterStoreAbstract {
  private readonly db: Db;

  constructor(opts: { db: Db; keyPrefix: string; points: number; duration: number }) {
    super({ storeClient: opts.db, keyPrefix: opts.keyPrefix, points: opts.points, duration: opts.duration });
    this.db = opts.db;
  }

  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<Row> {
    return takeRatePoints(this.db, rlKey, points, msDuration, forceExpire);
  }

  async _get(rlKey: string): Promise<Row | null> {
    return (await rateWindow(this.db, rlKey)) ?? null;
  }

  async _delete(rlKey: string): Promise<boolean> {
    return deleteRateWindow(this.db, rlKey);
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, row: Row): RateLimiterRes {
    const consumed = Number(row.points);
    const msLeft = row.ms_left === null ? -1 : Math.max(0, Number(row.ms_left));
    return new RateLimiterRes(Math.max(this.points - consumed, 0), msLeft, consumed, consumed === changedPoints);
  }
}
