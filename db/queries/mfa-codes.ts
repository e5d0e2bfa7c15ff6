import { and, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { users } from '../schema/auth';
import { forgetUser, type UserRow } from './users';

/**
 * Accepts a TOTP time step once: only a step later than the last accepted one moves the mark,
 * in one statement, so the same code (or an older one) can't log in twice, even in parallel.
 */
export async function claimTotpStep(db: Db, userId: string, step: number): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ lastTotpStep: step })
    .where(and(eq(users.id, userId), or(isNull(users.lastTotpStep), lt(users.lastTotpStep, step))))
    .returning({ id: users.id });
  forgetUser(userId);
  return rows.length === 1;
}

/** Removes one recovery code if it is still there: of parallel uses, exactly one finds it. */
export async function consumeRecoveryCode(db: Db, userId: string, codeHash: string): Promise<boolean> {
  const rows = await db
    .update(users)
    .set({ recoveryCodeHashes: sql`array_remove(${users.recoveryCodeHashes}, ${codeHash}::text)` })
    .where(and(eq(users.id, userId), sql`${codeHash}::text = any(${users.recoveryCodeHashes})`))
    .returning({ id: users.id });
  forgetUser(userId);
  return rows.length === 1;
}

/**
 * Turns MFA on with the secret the user just proved, once: only while it is still off and the
 * pending secret is the one the code was checked against. The proving code's step counts as used.
 */
export async function enableMfaRow(
  db: Db,
  userId: string,
  pendingSealed: string,
  set: { mfaSecretEnc: string; recoveryCodeHashes: string[]; lastTotpStep: number },
): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...set, mfaEnabled: true, mfaPendingSecretEnc: null, updatedAt: new Date() })
    .where(and(eq(users.id, userId), eq(users.mfaEnabled, false), eq(users.mfaPendingSecretEnc, pendingSealed)))
    .returning();
  forgetUser(userId);
  return row;
}
