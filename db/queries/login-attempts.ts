import { and, eq, gt, lt, or, sql, isNull, lte } from 'drizzle-orm';
import type { Db } from '../client';
import { authThrottle, loginNameFailures, users } from '../schema/auth';

/**
 * A login attempt is reserved BEFORE its password is checked: one statement counts it and, on
 * the attempt that reaches the limit, sets the lock. A locked account grants no reservation, so
 * however many guesses arrive in parallel, at most `max` passwords are ever evaluated per lock.
 * failed_attempts therefore counts failures plus attempts still being checked; an attempt that
 * turns out not to be a failure (right password, code still missing) gives its slot back.
 */
export type AttemptSlot = { granted: true; failedAttempts: number; lockedUntil: Date | null } | { granted: false; lockedUntil: Date | null };

const lockoutInterval = (ms: number) => sql`(${ms} * interval '1 millisecond')`;

export async function reserveAccountAttempt(db: Db, id: string, max: number, lockoutMs: number): Promise<AttemptSlot> {
  const expired = sql`(${users.lockedUntil} is not null)`; // the WHERE admits only a missing or run-out lock
  const next = sql`(case when ${expired} then 1 else ${users.failedAttempts} + 1 end)`;
  const [row] = await db
    .update(users)
    .set({
      failedAttempts: next,
      lockedUntil: sql`case when ${next} >= ${max} then now() + ${lockoutInterval(lockoutMs)} else null end`,
    })
    .where(and(eq(users.id, id), or(isNull(users.lockedUntil), lte(users.lockedUntil, sql`now()`))))
    .returning({ failedAttempts: users.failedAttempts, lockedUntil: users.lockedUntil });
  if (row) return { granted: true, ...row };
  const [cur] = await db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, id)).limit(1);
  return { granted: false, lockedUntil: cur?.lockedUntil ?? null };
}

/** Gives a reserved slot back; the lock it may have set goes too when the rest stay under the limit. */
export async function releaseAccountAttempt(db: Db, id: string, max: number): Promise<void> {
  await db
    .update(users)
    .set({
      failedAttempts: sql`${users.failedAttempts} - 1`,
      lockedUntil: sql`case when ${users.failedAttempts} - 1 < ${max} then null else ${users.lockedUntil} end`,
    })
    .where(and(eq(users.id, id), gt(users.failedAttempts, 0)));
}

/**
 * The same reservation for a username no account has, so that name answers exactly as an account
 * would (401, then 423 after `max` failures) and costs the same one statement.
 */
export async function reserveNameAttempt(db: Db, username: string, max: number, lockoutMs: number): Promise<AttemptSlot> {
  const t = loginNameFailures;
  const expired = sql`(${t.lockedUntil} is not null)`;
  const next = sql`(case when ${expired} then 1 else ${t.failedAttempts} + 1 end)`;
  const [row] = await db
    .insert(t)
    .values({ username, failedAttempts: 1, lockedUntil: max <= 1 ? sql`now() + ${lockoutInterval(lockoutMs)}` : null })
    .onConflictDoUpdate({
      target: t.username,
      set: {
        failedAttempts: next,
        lockedUntil: sql`case when ${next} >= ${max} then now() + ${lockoutInterval(lockoutMs)} else null end`,
        updatedAt: sql`now()`,
      },
      setWhere: or(isNull(t.lockedUntil), lte(t.lockedUntil, sql`now()`)),
    })
    .returning({ failedAttempts: t.failedAttempts, lockedUntil: t.lockedUntil });
  if (row) return { granted: true, ...row };
  const [cur] = await db.select({ lockedUntil: t.lockedUntil }).from(t).where(eq(t.username, username)).limit(1);
  return { granted: false, lockedUntil: cur?.lockedUntil ?? null };
}

export type ThrottleSlot = { granted: true; key: string; windowStart: string; count: number } | { granted: false; retryAfter: number };

/**
 * Fixed-window counter shared by every process: takes one slot of `limit` per `windowMs` under
 * `key`, in one statement, before the credential is checked. A refused request takes no slot.
 */
export async function reserveThrottleSlot(db: Db, key: string, limit: number, windowMs: number): Promise<ThrottleSlot> {
  const t = authThrottle;
  const window = lockoutInterval(windowMs);
  const expired = sql`(${t.windowStart} <= now() - ${window})`;
  // Millisecond precision, so the start read back into JS names the same window when released.
  const start = sql`date_trunc('milliseconds', now())`;
  const [row] = await db
    .insert(t)
    .values({ key, windowStart: start, count: 1 })
    .onConflictDoUpdate({
      target: t.key,
      set: {
        windowStart: sql`case when ${expired} then ${start} else ${t.windowStart} end`,
        count: sql`case when ${expired} then 1 else ${t.count} + 1 end`,
      },
      setWhere: or(expired, lt(t.count, limit)),
    })
    .returning({ windowStart: sql<string>`to_char(${t.windowStart} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS')`, count: t.count });
  if (row) return { granted: true, key, windowStart: row.windowStart, count: row.count };
  const [cur] = await db
    .select({ seconds: sql<number>`greatest(1, ceil(extract(epoch from (${t.windowStart} + ${window} - now()))))::int` })
    .from(t)
    .where(eq(t.key, key))
    .limit(1);
  return { granted: false, retryAfter: Number(cur?.seconds ?? 1) };
}

/** Gives a slot back (the attempt was no failure), if its window is still the current one. */
export async function releaseThrottleSlot(db: Db, slot: ThrottleSlot): Promise<void> {
  if (!slot.granted) return;
  const t = authThrottle;
  await db
    .update(t)
    .set({ count: sql`${t.count} - 1` })
    .where(and(eq(t.key, slot.key), sql`${t.windowStart} = (${slot.windowStart}::timestamp at time zone 'UTC')`, gt(t.count, 0)));
}

/** Counters nobody has touched for a day; a lock still running is kept. */
export async function pruneLoginCounters(db: Db): Promise<void> {
  await db.delete(authThrottle).where(lt(authThrottle.windowStart, sql`now() - interval '1 day'`));
  await db
    .delete(loginNameFailures)
    .where(and(lt(loginNameFailures.updatedAt, sql`now() - interval '1 day'`), or(isNull(loginNameFailures.lockedUntil), lt(loginNameFailures.lockedUntil, sql`now()`))));
}
