import { and, eq, isNotNull, isNull, ne, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { apiTokens, consoleSessions, refreshTokens } from '../schema/auth';
import { agents } from '../schema/work';
import { recentRows } from './recent';

/**
 * Whether a credential is still live is asked on every request; like the user row
 * (db/queries/users.ts), the answer is kept for at most CHECK_CACHE_MS. Ending a credential
 * forgets it here at once; other processes see the end within CHECK_CACHE_MS.
 */
const CHECK_CACHE_MS = 1_000;
const sessionState = recentRows<ConsoleSessionState & { userId: string; live: boolean }>(CHECK_CACHE_MS, 10_000);
const familyState = recentRows<{ revoked: boolean }>(CHECK_CACHE_MS, 10_000);

/** How a live console sign-in met the MFA policy (single sign-on only; a password sign-in has both false). */
export type ConsoleSessionState = { idpMfa: boolean; mfaPending: boolean };

export async function insertConsoleSession(
  db: Db,
  userId: string,
  expiresAt: Date,
  mfa: Partial<ConsoleSessionState> = {},
): Promise<string> {
  const [row] = await db
    .insert(consoleSessions)
    .values({ userId, expiresAt, idpMfa: mfa.idpMfa ?? false, mfaPending: mfa.mfaPending ?? false })
    .returning({ id: consoleSessions.id });
  return row.id;
}

/** The console sign-in `id` of `userId` while it has not been ended and has not run out; null otherwise. */
export async function consoleSessionState(db: Db, id: string, userId: string): Promise<ConsoleSessionState | null> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return null;
  const state = await sessionState.get(id, async () => {
    const [row] = await db
      .select({
        userId: consoleSessions.userId,
        live: sql<boolean>`${consoleSessions.endedAt} is null and ${consoleSessions.expiresAt} > now()`,
        idpMfa: consoleSessions.idpMfa,
        mfaPending: consoleSessions.mfaPending,
      })
      .from(consoleSessions)
      .where(eq(consoleSessions.id, id))
      .limit(1);
    return row ?? { userId: '', live: false, idpMfa: false, mfaPending: false };
  });
  if (!state?.live || state.userId !== userId) return null;
  return { idpMfa: state.idpMfa, mfaPending: state.mfaPending };
}

/** The one-time code was given: the live sign-in opens every door. False when it was not pending (or not live). */
export async function clearConsoleMfaPending(db: Db, id: string, userId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(id)) return false;
  const rows = await db
    .update(consoleSessions)
    .set({ mfaPending: false })
    .where(
      and(
        eq(consoleSessions.id, id),
        eq(consoleSessions.userId, userId),
        eq(consoleSessions.mfaPending, true),
        isNull(consoleSessions.endedAt),
        sql`${consoleSessions.expiresAt} > now()`,
      ),
    )
    .returning({ id: consoleSessions.id });
  sessionState.forget(id);
  return rows.length === 1;
}

export async function endConsoleSession(db: Db, id: string): Promise<void> {
  await db
    .update(consoleSessions)
    .set({ endedAt: new Date() })
    .where(and(eq(consoleSessions.id, id), isNull(consoleSessions.endedAt)));
  sessionState.forget(id);
}

/** Ends a user's console sign-ins, all of them or all but `keep`. */
export async function endConsoleSessionsOf(db: Db, userId: string, keep?: string): Promise<void> {
  const ended = await db
    .update(consoleSessions)
    .set({ endedAt: new Date() })
    .where(and(eq(consoleSessions.userId, userId), isNull(consoleSessions.endedAt), keep ? ne(consoleSessions.id, keep) : undefined))
    .returning({ id: consoleSessions.id });
  for (const s of ended) sessionState.forget(s.id);
}

/** A family with any revoked token is over: its access tokens stop working with it. */
export async function refreshFamilyRevoked(db: Db, familyId: string): Promise<boolean> {
  if (!/^[0-9a-f-]{36}$/i.test(familyId)) return true;
  const state = await familyState.get(familyId, async () => {
    const [row] = await db
      .select({ id: refreshTokens.id })
      .from(refreshTokens)
      .where(and(eq(refreshTokens.familyId, familyId), isNotNull(refreshTokens.revokedAt)))
      .limit(1);
    return { revoked: !!row };
  });
  return !!state?.revoked;
}

/** Revokes the tokens of a family not revoked yet; its access tokens stop working here at once. */
export async function revokeRefreshFamily(db: Db, familyId: string): Promise<void> {
  await db
    .update(refreshTokens)
    .set({ revokedAt: sql`now()` })
    .where(and(eq(refreshTokens.familyId, familyId), isNull(refreshTokens.revokedAt)));
  familyState.forget(familyId);
}

/** Revokes every refresh token of a user (all but family `keep`), and with them their access tokens. */
export async function revokeRefreshTokensOf(db: Db, userId: string, keep?: string): Promise<void> {
  const rows = await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(refreshTokens.userId, userId), isNull(refreshTokens.revokedAt), keep ? ne(refreshTokens.familyId, keep) : undefined))
    .returning({ familyId: refreshTokens.familyId });
  for (const r of new Set(rows.map((x) => x.familyId))) familyState.forget(r);
}

export async function revokeRefreshTokenByHash(db: Db, tokenHash: string): Promise<void> {
  const rows = await db
    .update(refreshTokens)
    .set({ revokedAt: new Date() })
    .where(eq(refreshTokens.tokenHash, tokenHash))
    .returning({ familyId: refreshTokens.familyId });
  for (const r of rows) familyState.forget(r.familyId);
}

export async function revokeApiTokensOf(db: Db, userId: string): Promise<number> {
  const rows = await db
    .update(apiTokens)
    .set({ revokedAt: new Date() })
    .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
    .returning({ id: apiTokens.id });
  return rows.length;
}

/** What an agent's token is checked against: the agent, its status and its credential version. */
export async function agentCredential(db: Db, agentId: string) {
  const [agent] = await db
    .select({
      id: agents.id,
      name: agents.name,
      departmentId: agents.departmentId,
      status: agents.status,
      credentialVersion: agents.credentialVersion,
    })
    .from(agents)
    .where(eq(agents.id, agentId))
    .limit(1);
  return agent;
}
