import { and, eq, getTableColumns, gte, inArray, lte, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema/auth';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';
import type { AuditFilter } from './audit';

/** The audit log's sortable columns; the actor by name, or its kind when it has none. */
export const auditSortColumns = {
  id: { expr: auditLog.id, cast: 'bigint' },
  at: { expr: auditLog.at, cast: 'timestamptz' },
  actor: { expr: sql`coalesce(${auditLog.actorName}, ${auditLog.actorType})`, cast: 'text' },
  action: { expr: auditLog.action, cast: 'text' },
  outcome: { expr: auditLog.outcome, cast: 'text' },
} satisfies Record<string, SortColumn>;
export type AuditSortKey = keyof typeof auditSortColumns;

function auditWhere(f: AuditFilter): SQL | undefined {
  const where: SQL[] = [];
  if (f.actor) where.push(sql`(${auditLog.actorId} = ${f.actor} or ${auditLog.actorName} = ${f.actor})`);
  if (f.action)
    where.push(f.action.endsWith('*') ? sql`${auditLog.action} like ${`${f.action.slice(0, -1)}%`}` : eq(auditLog.action, f.action));
  if (f.outcome) where.push(eq(auditLog.outcome, f.outcome));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lte(auditLog.at, f.to));
  if (f.departmentIds) where.push(inArray(auditLog.departmentId, f.departmentIds.length ? f.departmentIds : ['']));
  return where.length ? and(...where) : undefined;
}

/** One page of audit rows in the asked order, and how many match (up to countCap + 1). */
export async function auditTablePage(
  db: Db,
  f: AuditFilter,
  sort: { key: AuditSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where = auditWhere(f);
  const k = keyset(auditSortColumns[sort.key], sort.dir, { col: auditLog.id, cast: 'bigint' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(auditLog), sortValue: k.sortValue })
      .from(auditLog)
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, auditLog, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => String(r.id)), count };
}
