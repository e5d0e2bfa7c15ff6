import { and, eq, getTableColumns, ilike, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { users } from '../schema/auth';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';
import type { UserListFilter } from './user-admin';
import { textArray } from './sql-array';

/** The user list's sortable columns; never signed in sorts before any sign-in. */
export const userSortColumns = {
  username: { expr: users.username, cast: 'text' },
  role: { expr: users.role, cast: 'text' },
  lastLoginAt: { expr: sql`coalesce(${users.lastLoginAt}, '-infinity'::timestamptz)`, cast: 'timestamptz' },
  createdAt: { expr: users.createdAt, cast: 'timestamptz' },
} satisfies Record<string, SortColumn>;
export type UserSortKey = keyof typeof userSortColumns;

function userWhere(f: UserListFilter): SQL | undefined {
  const where: SQL[] = [];
  // A scoped admin sees the users who share at least one of its departments.
  if (f.departmentIds) where.push(sql`${users.departmentIds} && ${textArray(f.departmentIds)}`);
  if (f.departmentId) where.push(sql`${f.departmentId} = any(${users.departmentIds})`);
  if (f.q) where.push(ilike(users.username, `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`));
  if (f.role) where.push(eq(users.role, f.role));
  return where.length ? and(...where) : undefined;
}

/** One page of users in the asked order, and how many match (up to countCap + 1). */
export async function userTablePage(
  db: Db,
  f: UserListFilter,
  sort: { key: UserSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where = userWhere(f);
  const k = keyset(userSortColumns[sort.key], sort.dir, { col: users.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(users), sortValue: k.sortValue })
      .from(users)
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, users, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
