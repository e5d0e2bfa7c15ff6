import { z } from 'zod';
import type { Db } from '@/db/client';
import { securityEventSortColumns, securityEventTablePage, type SecurityEventSortKey } from '@/db/queries/security-event-table';
import { authorize, type Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, sortedPage, sortOf, sortQuery, UUID_ID, type SortSpec } from '../paging/sort';
import { severities } from './events';

export const securityEventSortKeys = Object.keys(securityEventSortColumns) as [SecurityEventSortKey, ...SecurityEventSortKey[]];
/** Newest first unless asked otherwise. */
export const securityEventDefaultSort: SortSpec<SecurityEventSortKey> = { key: 'at', dir: 'desc' };

/** GET /api/v1/security/events and the console's list: kind and severity filters, a sort, and paging both ways. */
export const securityEventTableQuery = z.object({
  kind: z
    .string()
    .regex(/^[a-z-]{1,40}$/)
    .optional(),
  severity: z.enum(severities).optional(),
  ...sortQuery(securityEventSortKeys),
});
export type SecurityEventTableQuery = z.input<typeof securityEventTableQuery>;

/** Security events, filtered, sorted and paged, with how many match. */
export async function securityEventTable(db: Db, principal: Principal, input: SecurityEventTableQuery) {
  authorize(principal, 'security:read');
  const q = securityEventTableQuery.parse(input);
  const sort = sortOf(q, securityEventDefaultSort);
  const seek = decodeSeek(q.cursor, sort, securityEventSortColumns[sort.key].cast, UUID_ID);
  const found = await securityEventTablePage(db, { kind: q.kind, severity: q.severity }, sort, seek, q.limit, COUNT_CAP);
  return sortedPage(sort, found, ({ sortValue: _, ...r }) => ({ ...r, at: r.at.toISOString() }));
}
