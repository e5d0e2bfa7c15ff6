import { and, eq, gt, lt, or, sql, isNull, lte } from 'drizzle-orm';
import type { Db } from '../client';
import { loginNameFailures, users } from '../schema/auth';

/**
 * A login attempt is reserved BEFORE its password is checked: one statement counts it and, on
 * the attempt that reaches the limit, sets the lock. A locked account grants no reservation, so
 * however many guesses arrive in parallel, at most `max` passwords are ever evaluated per lock.
 * failed_attempts therefore counts failures plus attempts still being checked; an attempt that
 * turns out not to be a failure (right password, code still missing) gives its slot back.
 */
export type AttemptSlot =
  | { granted: true; failedAttempts: number; lockedUntil: Date | null }
  | { granted: false; lockedUntil: Date | null };

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

/** Unknown-username counters nobody has touched for a day; a lock still running is kept. */
export async function pruneLoginCounters(db: Db): Promise<void> {
  await db
    .delete(loginNameFailures)
    .where(
      and(
        lt(loginNameFailures.updatedAt, sql`now() - interval '1 day'`),
        or(isNull(loginNameFailures.lockedUntil), lt(loginNameFailures.lockedUntil, sql`now()`)),
      ),
    );
}
