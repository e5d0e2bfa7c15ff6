import { and, asc, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { apiTokens, users } from '../schema/auth';
import type { Role } from '../vocabulary';
import { recentRows } from './recent';

export type UserRow = typeof users.$inferSelect;

export async function findUserByUsername(db: Db, username: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.username, username.toLowerCase())).limit(1);
  return row;
}

export async function findUserById(db: Db, id: string): Promise<UserRow | undefined> {
  const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
  return row;
}

/**
 * Every request with a session or access token reads its user; a one-second memory keeps that
 * read off the hot path. Writes that change who a user is (role, departments, disabled, session
 * version, deletion) call forgetUser, so this process sees them at once; another process within
 * USER_CACHE_MS (docs/security.md).
 */
const USER_CACHE_MS = 1_000;
const recentUsers = recentRows<UserRow>(USER_CACHE_MS, 10_000);

export const findUserForAuth = (db: Db, id: string) => recentUsers.get(id, () => findUserById(db, id));
export const forgetUser = (id: string) => recentUsers.forget(id);

export async function insertUser(
  db: Db,
  input: { username: string; passwordHash: string; role: Role; departmentIds: string[] },
): Promise<UserRow> {
  const [row] = await db
    .insert(users)
    .values({ ...input, username: input.username.toLowerCase() })
    .onConflictDoNothing({ target: users.username })
    .returning();
  return row;
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row.n;
}

export async function recordSuccessfulLogin(db: Db, id: string, ip: string | undefined) {
  await db
    .update(users)
    .set({
      failedAttempts: 0,
      lockedUntil: null,
      lastLoginAt: new Date(),
      ...(ip ? { knownIps: sql`(select array(select distinct unnest(array_append(${users.knownIps}, ${ip}::text)) limit 20))` } : {}),
    })
    .where(eq(users.id, id));
}

export async function findActiveApiToken(db: Db, id: string) {
  const [row] = await db
    .select({ token: apiTokens, user: users })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.id, id), sql`${apiTokens.revokedAt} is null`))
    .limit(1);
  return row;
}

export async function touchApiToken(db: Db, id: string) {
  // Coarse: at most one write a minute per token, not one per request.
  await db
    .update(apiTokens)
    .set({ lastUsedAt: new Date() })
    .where(and(eq(apiTokens.id, id), sql`coalesce(${apiTokens.lastUsedAt}, 'epoch') < now() - interval '1 minute'`));
}

/** Ends the user's access tokens and console cookies: they carry the old session version. */
export async function bumpSessionVersion(db: Db, id: string): Promise<void> {
  await db
    .update(users)
    .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
    .where(eq(users.id, id));
}

/** Whether the user has enrolled MFA; undefined for no such user. */
export async function userMfaEnabled(db: Db, id: string): Promise<boolean | undefined> {
  const [row] = await db.select({ mfaEnabled: users.mfaEnabled }).from(users).where(eq(users.id, id)).limit(1);
  return row?.mfaEnabled;
}

/** The first super-admin made that is not disabled (the bootstrap admin, while it exists). */
export async function oldestActiveSuperAdmin(db: Db): Promise<UserRow | undefined> {
  const [row] = await db
    .select()
    .from(users)
    .where(and(eq(users.role, 'super-admin'), eq(users.disabled, false)))
    .orderBy(asc(users.createdAt))
    .limit(1);
  return row;
}
