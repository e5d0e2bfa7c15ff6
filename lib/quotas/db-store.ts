import { RateLimiterRes } from 'rate-limiter-flexible';
// Not exported by the package's index at run time (its types do declare it): see store-abstract.d.ts.
import RateLimiterStoreAbstract from 'rate-limiter-flexible/lib/RateLimiterStoreAbstract.js';
import type { Db } from '@/db/client';
import { runText } from '@/db/raw';

type Row = { points: number; ms_left: number | string | null };

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

  // A give-back (negative points) into a window that already ended starts the new one at 0, not
  // below: it returns a slot of the window it was taken in, never lends one to the next.
  async _upsert(rlKey: string, points: number, msDuration: number, forceExpire = false): Promise<Row> {
    const [row] = await runText<Row>(this.db, forceExpire ? FORCE : UPSERT, [rlKey, points, msDuration]);
    return row;
  }

  async _get(rlKey: string): Promise<Row | null> {
    const [row] = await runText<Row>(this.db, GET, [rlKey]);
    return row ?? null;
  }

  async _delete(rlKey: string): Promise<boolean> {
    return (await runText(this.db, `delete from rate_limits where key = $1 returning key`, [rlKey])).length > 0;
  }

  _getRateLimiterRes(_rlKey: string, changedPoints: number, row: Row): RateLimiterRes {
    const consumed = Number(row.points);
    const msLeft = row.ms_left === null ? -1 : Math.max(0, Number(row.ms_left));
    return new RateLimiterRes(Math.max(this.points - consumed, 0), msLeft, consumed, consumed === changedPoints);
  }
}

const expireOf = `case when $3::int > 0 then now() + $3::int * interval '1 millisecond' end`;
const RETURN = `returning points, ceil(extract(epoch from (expire - now())) * 1000)::bigint as ms_left`;

const UPSERT = `insert into rate_limits as r (key, points, expire) values ($1, greatest($2::int, 0), ${expireOf})
  on conflict (key) do update set
    points = case when r.expire <= now() then greatest($2::int, 0) else r.points + $2::int end,
    expire = case when r.expire <= now() then ${expireOf} else r.expire end
  ${RETURN}`;

const FORCE = `insert into rate_limits as r (key, points, expire) values ($1, $2::int, ${expireOf})
  on conflict (key) do update set points = excluded.points, expire = excluded.expire
  ${RETURN}`;

const GET = `select points, ceil(extract(epoch from (expire - now())) * 1000)::bigint as ms_left
  from rate_limits where key = $1 and (expire is null or expire > now())`;

/** Windows that ended over an hour ago; run now and then by whoever passes (lib/quotas/limiter.ts). */
export async function pruneRateLimits(db: Db): Promise<void> {
  await runText(db, `delete from rate_limits where expire < now() - interval '1 hour'`, []);
}
