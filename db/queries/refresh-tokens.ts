import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { refreshTokens } from '../schema/auth';

export type RefreshTokenRow = typeof refreshTokens.$inferSelect;

export async function insertRefreshToken(
  db: Db,
  row: { userId: string; familyId: string; tokenHash: string; expiresAt: Date },
): Promise<void> {
  await db.insert(refreshTokens).values(row);
}

/**
 * Marks the token used if it is live: one compare-and-swap on the token row, which also requires
 * that no token of its family is revoked. That is what ends a family for good: when a token is
 * replayed in parallel, the winner may insert its new token after the loser revoked the rows it
 * could see, and that new token would otherwise outlive the revocation. Undefined when not claimed.
 */
export async function claimRefreshToken(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  const familyRevoked = sql`exists (select 1 from refresh_tokens f where f.family_id = refresh_tokens.family_id and f.revoked_at is not null)`;
  const claimed = await db
    .update(refreshTokens)
    .set({ usedAt: sql`now()` })
    .where(
      and(
        eq(refreshTokens.tokenHash, tokenHash),
        isNull(refreshTokens.usedAt),
        isNull(refreshTokens.revokedAt),
        sql`${refreshTokens.expiresAt} > now()`,
        sql`not ${familyRevoked}`,
      ),
    )
    .returning();
  return claimed.length === 1 ? claimed[0] : undefined;
}

export async function findRefreshTokenByHash(db: Db, tokenHash: string): Promise<RefreshTokenRow | undefined> {
  const [row] = await db.select().from(refreshTokens).where(eq(refreshTokens.tokenHash, tokenHash)).limit(1);
  return row;
}
