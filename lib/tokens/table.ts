import { z } from 'zod';
import type { Db } from '@/db/client';
import { tokenSortColumns, tokenTablePage, type TokenSortKey } from '@/db/queries/token-table';
import { authorize, type Principal } from '../permissions/rbac';
import { forbidden } from '../errors';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { toPublicToken } from './service';

export const tokenSortKeys = Object.keys(tokenSortColumns) as [TokenSortKey, ...TokenSortKey[]];
/** Newest first unless asked otherwise. */
export const tokenDefaultSort: SortSpec<TokenSortKey> = { key: 'createdAt', dir: 'desc' };

export const tokenTableQuery = z.object({ ...sortQuery(tokenSortKeys), includeRevoked: z.boolean().default(true) });
export type TokenTableQuery = z.input<typeof tokenTableQuery>;

/** The principal's own API tokens, sorted and paged, with how many there are. */
export async function tokenTable(db: Db, principal: Principal, input: TokenTableQuery) {
  if (principal.kind === 'agent') throw forbidden('Agents cannot own API tokens');
  authorize(principal, 'token:own');
  const q = tokenTableQuery.parse(input);
  const sort = sortOf(q, tokenDefaultSort);
  const seek = decodeSeek(q.cursor, sort, tokenSortColumns[sort.key].cast, UUID_ID);
  const found = await tokenTablePage(db, { userId: principal.id, includeRevoked: q.includeRevoked }, sort, seek, q.limit, COUNT_CAP);
  return sortedPage(sort, found, ({ sortValue: _, ...row }) => toPublicToken(row));
}
