import { and, eq, getTableColumns, isNull, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { apiTokens } from '../schema/auth';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';

/** The token list's sortable columns; a token that never expires sorts last, one never used first. */
export const tokenSortColumns = {
  name: { expr: apiTokens.name, cast: 'text' },
  createdAt: { expr: apiTokens.createdAt, cast: 'timestamptz' },
  expiresAt: { expr: sql`coalesce(${apiTokens.expiresAt}, 'infinity'::timestamptz)`, cast: 'timestamptz' },
  lastUsedAt: { expr: sql`coalesce(${apiTokens.lastUsedAt}, '-infinity'::timestamptz)`, cast: 'timestamptz' },
} satisfies Record<string, SortColumn>;
export type TokenSortKey = keyof typeof tokenSortColumns;

/** One page of a user's tokens in the asked order, and how many there are (up to countCap + 1). */
export async function tokenTablePage(
  db: Db,
  f: { userId: string; includeRevoked: boolean },
  sort: { key: TokenSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where: SQL | undefined = and(eq(apiTokens.userId, f.userId), f.includeRevoked ? undefined : isNull(apiTokens.revokedAt));
  const k = keyset(tokenSortColumns[sort.key], sort.dir, { col: apiTokens.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(apiTokens), sortValue: k.sortValue })
      .from(apiTokens)
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, apiTokens, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
