import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { rowsOf } from '../rows';

/** First half of every job lock's key, so job locks never collide with other advisory locks. */
export const JOB_LOCK_SPACE = 0x45435301;

/**
 * On a dedicated connection: for each key, whether this connection holds the job's advisory lock
 * after the call, taking the free ones. A key already held is not locked again (connection-level
 * locks stack, and a stacked lock would need as many unlocks); the CASE keeps the check before the attempt.
 */
export async function holdJobLocks(session: Db, keys: number[]): Promise<Set<number>> {
  if (!keys.length) return new Set();
  const list = `{${keys.map((k) => Math.trunc(k)).join(',')}}`;
  const rows = rowsOf<{ key: number; held: boolean }>(
    await session.execute(sql`
      select k as key,
        case when exists (
          select 1 from pg_locks l
          where l.locktype = 'advisory' and l.granted and l.pid = pg_backend_pid()
            and l.classid = ${JOB_LOCK_SPACE}::int::oid and l.objid = k::oid and l.objsubid = 2
        ) then true else pg_try_advisory_lock(${JOB_LOCK_SPACE}::int, k) end as held
      from unnest(${list}::int[]) as k`),
  );
  return new Set(rows.filter((r) => r.held).map((r) => Number(r.key)));
}
