import type { z } from 'zod';
import type { Db } from '@/db/client';
import { userSortColumns, userTablePage, type UserSortKey } from '@/db/queries/user-table';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { listUsersQuery } from './schemas';
import { toPublicUser } from './view';

export const userSortKeys = Object.keys(userSortColumns) as [UserSortKey, ...UserSortKey[]];
/** By username unless asked otherwise. */
export const userDefaultSort: SortSpec<UserSortKey> = { key: 'username', dir: 'asc' };

/** The filters of listUsersQuery, a sort, and paging both ways. */
export const userTableQuery = listUsersQuery.extend(sortQuery(userSortKeys));
export type UserTableQuery = z.infer<typeof userTableQuery>;

/** The users the principal may see (a scoped admin: those sharing a department), filtered, sorted and paged, with how many match. */
export async function userTable(db: Db, principal: Principal, q: UserTableQuery) {
  authorize(principal, 'user:read');
  const sort = sortOf(q, userDefaultSort);
  const seek = decodeSeek(q.cursor, sort, userSortColumns[sort.key].cast, UUID_ID);
  const found = await userTablePage(
    db,
    { departmentIds: departmentFilter(principal), q: q.q, role: q.role, departmentId: q.departmentId },
    sort,
    seek,
    q.limit,
    COUNT_CAP,
  );
  return sortedPage(sort, found, ({ sortValue: _, ...row }) => toPublicUser(row));
}
