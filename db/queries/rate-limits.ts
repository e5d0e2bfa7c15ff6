import type { Db } from '../client';
import { runText } from '../raw';

/*
 * Fixed-window counters in table rate_limits (lib/quotas/db-store.ts), timed by the database's
 * clock so every process counts against the same row. One statement each.
 */

/** A window's points taken and milliseconds left (null: no expiry). */
export type RateLimitRow = { points: number; ms_left: number | string | null };

const expireOf = `case when $3::int > 0 then now() + $3::int * interval '1 millisecond' end`;
const RETURN = `returning points, ceil(extract(epoch from (expire - now())) * 1000)::bigint as ms_left`;

// A give-back (negative points) into a window that already ended starts the new one at 0, not
// below: it returns a slot of the window it was taken in, never lends one to the next.
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

/** Adds `points` to the key's window (starting a new one of `msDuration` if it ended); `force` sets them instead. */
export async function takeRatePoints(db: Db, key: string, points: number, msDuration: number, force: boolean): Promise<RateLimitRow> {
  const [row] = await runText<RateLimitRow>(db, force ? FORCE : UPSERT, [key, points, msDuration]);
  return row;
}

/** The key's current window; undefined when it has none or it ended. */
export async function rateWindow(db: Db, key: string): Promise<RateLimitRow | undefined> {
  const [row] = await runText<RateLimitRow>(db, GET, [key]);
  return row;
}

/** Whether there was a window to delete. */
export async function deleteRateWindow(db: Db, key: string): Promise<boolean> {
  return (await runText(db, `delete from rate_limits where key = $1 returning key`, [key])).length > 0;
}

/** Windows that ended over an hour ago. */
export async function pruneRateLimits(db: Db): Promise<void> {
  await runText(db, `delete from rate_limits where expire < now() - interval '1 hour'`, []);
}
