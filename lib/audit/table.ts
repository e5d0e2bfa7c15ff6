import type { z } from 'zod';
import type { Db } from '@/db/client';
import { auditSortColumns, auditTablePage, type AuditSortKey } from '@/db/queries/audit-table';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { COUNT_CAP, decodeSeek, SERIAL_ID, sortedPage, sortOf, sortQuery, type SortSpec } from '../paging/sort';
import { auditQuery } from './schemas';
import { parseRange, type AuditEntryView } from './service';

export const auditSortKeys = Object.keys(auditSortColumns) as [AuditSortKey, ...AuditSortKey[]];
/** Newest first unless asked otherwise. */
export const auditDefaultSort: SortSpec<AuditSortKey> = { key: 'id', dir: 'desc' };

/** The filters of auditQuery, a sort, and paging both ways. */
export const auditTableQuery = auditQuery.extend(sortQuery(auditSortKeys));
export type AuditTableQuery = z.infer<typeof auditTableQuery>;

/** Audit rows the principal may read (a department admin: its departments'), filtered, sorted and paged, with how many match. */
export async function auditTable(db: Db, principal: Principal, q: AuditTableQuery) {
  authorize(principal, 'audit:read');
  const sort = sortOf(q, auditDefaultSort);
  const seek = decodeSeek(q.cursor, sort, auditSortColumns[sort.key].cast, SERIAL_ID);
  const found = await auditTablePage(
    db,
    { actor: q.actor, action: q.action, outcome: q.outcome, ...parseRange(q.from, q.to), departmentIds: departmentFilter(principal) },
    sort,
    seek,
    q.limit,
    COUNT_CAP,
  );
  return sortedPage(sort, found, ({ sortValue: _, ...r }): AuditEntryView => ({ ...r, at: r.at.toISOString() }));
}
