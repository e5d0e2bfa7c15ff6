import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { bumpSessionVersion, findUserById, forgetUser, type UserRow } from '@/db/queries/users';
import { claimRefreshToken, findRefreshTokenByHash, insertRefreshToken } from '@/db/queries/refresh-tokens';
import { revokeRefreshFamily } from '@/db/queries/credentials';
import { endConsoleSessionsOf, revokeApiTokensOf, revokeRefreshTokenByHash, revokeRefreshTokensOf } from '@/db/queries/credentials';
import { env } from '../env';
import { unauthorized } from '../errors';
import { audit } from '../audit/log';
import { recordSecurityEvent } from '../security/events';
import { emitDomain } from '../live';
import { signToken } from '../keys/jwt';
import { randomToken, sha256 } from '../keys/secret';
import { mfaRequiredFor } from '../security/mfa-policy';

const REFRESH_TTL_MS = 30 * 24 * 3600_000;

export type TokenPair = {
  accessToken: string;
  refreshToken: string;
  expiresIn: number;
  user: { id: string; username: string; role: string; departmentIds: string[] };
};

export async function issueTokens(db: Db, user: UserRow, familyId: string = randomUUID()): Promise<TokenPair> {
  const expiresIn = Math.floor(env().TOKEN_EXPIRATION / 1000);
  // Tied to its refresh family: logging out with the refresh token (or a revoked family) ends it too.
  const accessToken = await signToken({ sub: user.id, typ: 'access', sv: user.sessionVersion, fam: familyId }, expiresIn);
  const refreshToken = randomToken(32);
  await insertRefreshToken(db, {
    userId: user.id,
    familyId,
    tokenHash: sha256(refreshToken),
    expiresAt: new Date(Date.now() + REFRESH_TTL_MS),
  });
  return {
    accessToken,
    refreshToken,
    expiresIn,
    user: { id: user.id, username: user.username, role: user.role, departmentIds: user.departmentIds },
  };
}

/**
 * Rotation with reuse detection: each refresh token works once. A second use means it was
 * stolen (or replayed), so the whole family is revoked and the event recorded.
 *
 * The claim is one compare-and-swap on the token row that also requires no token of the family
 * to be revoked (claimRefreshToken says why), so a replayed family stays ended.
 */
export async function rotateRefreshToken(db: Db, token: string, ip?: string): Promise<TokenPair> {
  const hash = sha256(token);
  const row = await claimRefreshToken(db, hash);
  if (row) {
    const user = await findUserById(db, row.userId);
    if (!user || user.disabled) throw unauthorized('Invalid refresh token');
    // A refresh is a token creation like login: a role the MFA policy names gets none unenrolled.
    if (!user.mfaEnabled && (await mfaRequiredFor(db, user.role))) {
      throw unauthorized('Your role must use MFA: enrol at /account/mfa in the console first', { mfaEnrollmentRequired: true });
    }
    return issueTokens(db, user, row.familyId);
  }
  const existing = await findRefreshTokenByHash(db, hash);
  if (existing?.usedAt) {
    // Revoking the replayed row alone already ends the family (see the claim above); the rest go too.
    await revokeRefreshFamily(db, existing.familyId);
    const user = await findUserById(db, existing.userId);
    await audit(
      db,
      { kind: 'user', id: existing.userId, name: user?.username ?? '', ip },
      {
        action: 'auth.refresh-reuse',
        outcome: 'denied',
        targetType: 'refresh-family',
        targetId: existing.familyId,
      },
    );
    await recordSecurityEvent(db, {
      kind: 'refresh-token-reuse',
      severity: 'high',
      userId: existing.userId,
      username: user?.username,
      ip,
      detail: { familyId: existing.familyId },
    });
  }
  throw unauthorized('Invalid refresh token');
}

export async function revokeRefreshToken(db: Db, token: string): Promise<void> {
  await revokeRefreshTokenByHash(db, sha256(token));
}

/**
 * Ends every session and token of a user: access tokens and console cookies carry the old
 * sessionVersion; refresh tokens, console sign-ins and personal API tokens are revoked.
 */
export async function endAllSessions(db: Db, userId: string): Promise<void> {
  await bumpSessionVersion(db, userId);
  forgetUser(userId);
  await revokeRefreshTokensOf(db, userId);
  await endConsoleSessionsOf(db, userId);
  await revokeApiTokensOf(db, userId);
  emitDomain('user:credentials-ended', { userId });
}
