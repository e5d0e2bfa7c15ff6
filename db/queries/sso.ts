import { and, eq, getTableColumns, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { ssoIdentities, users } from '../schema/auth';
import type { Role } from '../vocabulary';
import { rowsOf } from '../rows';
import type { UserRow } from './users';

export type SsoIdentityKey = { issuer: string; subject: string };

/** The user an identity provider's subject was linked to. */
export async function findUserBySsoIdentity(db: Db, id: SsoIdentityKey): Promise<UserRow | undefined> {
  const [row] = await db
    .select(getTableColumns(users))
    .from(ssoIdentities)
    .innerJoin(users, eq(users.id, ssoIdentities.userId))
    .where(and(eq(ssoIdentities.issuer, id.issuer), eq(ssoIdentities.subject, id.subject)))
    .limit(1);
  return row;
}

/** The subject a user is linked to at an issuer, if any. */
export async function ssoSubjectOf(db: Db, userId: string, issuer: string): Promise<string | undefined> {
  const [row] = await db
    .select({ subject: ssoIdentities.subject })
    .from(ssoIdentities)
    .where(and(eq(ssoIdentities.userId, userId), eq(ssoIdentities.issuer, issuer)))
    .limit(1);
  return row?.subject;
}

/**
 * Links a subject to a user, unless the user already has a subject at that issuer (an e-mail
 * address passed on to someone else must not reach the account) or the subject is linked already.
 * One statement, so two first sign-ins at once link once. False when nothing was linked.
 */
export async function linkSsoIdentity(db: Db, id: SsoIdentityKey & { userId: string; email?: string }): Promise<boolean> {
  const rows = await db.execute<{ subject: string }>(sql`
    insert into sso_identities (issuer, subject, user_id, email, last_sign_in_at)
    select ${id.issuer}, ${id.subject}, ${id.userId}::uuid, ${id.email ?? null}, now()
    where not exists (select 1 from sso_identities where user_id = ${id.userId}::uuid and issuer = ${id.issuer})
    on conflict (issuer, subject) do nothing
    returning subject`);
  return rowsOf(rows).length === 1;
}

export async function touchSsoIdentity(db: Db, id: SsoIdentityKey & { email?: string }): Promise<void> {
  await db
    .update(ssoIdentities)
    .set({ lastSignInAt: new Date(), ...(id.email ? { email: id.email } : {}) })
    .where(and(eq(ssoIdentities.issuer, id.issuer), eq(ssoIdentities.subject, id.subject)));
}

/**
 * A new user and its link in one transaction. Undefined when the username is taken or the subject
 * got linked meanwhile (a sign-in running at the same time): nothing is written then.
 */
export async function insertSsoUser(
  db: Db,
  user: { username: string; passwordHash: string; role: Role; departmentIds: string[] },
  id: SsoIdentityKey & { email?: string },
): Promise<UserRow | undefined> {
  class Conflict extends Error {}
  try {
    return await db.transaction(async (tx) => {
      const [row] = await tx
        .insert(users)
        .values({ ...user, username: user.username.toLowerCase() })
        .onConflictDoNothing({ target: users.username })
        .returning();
      if (!row) throw new Conflict();
      const linked = await tx
        .insert(ssoIdentities)
        .values({ issuer: id.issuer, subject: id.subject, userId: row.id, email: id.email ?? null, lastSignInAt: new Date() })
        .onConflictDoNothing()
        .returning({ subject: ssoIdentities.subject });
      if (!linked.length) throw new Conflict();
      return row;
    });
  } catch (err) {
    if (err instanceof Conflict) return undefined;
    throw err;
  }
}
