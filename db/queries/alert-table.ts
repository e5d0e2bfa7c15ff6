import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { alerts } from '../schema/work';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';

/** The alert list's sortable columns; severity from info to critical, system-wide alerts under ''. */
export const alertSortColumns = {
  createdAt: { expr: alerts.createdAt, cast: 'timestamptz' },
  severity: {
    expr: sql`(case ${alerts.severity} when 'info' then 0 when 'warning' then 1 else 2 end)::int`,
    cast: 'integer',
  },
  kind: { expr: alerts.kind, cast: 'text' },
  departmentId: { expr: sql`coalesce(${alerts.departmentId}, '')`, cast: 'text' },
  status: { expr: alerts.status, cast: 'text' },
} satisfies Record<string, SortColumn>;
export type AlertSortKey = keyof typeof alertSortColumns;

export type AlertTableFilter = {
  /** active = open or acknowledged. */
  status?: 'open' | 'acknowledged' | 'resolved' | 'active';
  departmentId?: string;
  departmentIds: string[] | null;
};

function alertWhere(f: AlertTableFilter): SQL | undefined {
  const where: SQL[] = [];
  if (f.status === 'active') where.push(inArray(alerts.status, ['open', 'acknowledged']));
  else if (f.status) where.push(eq(alerts.status, f.status));
  if (f.departmentId) where.push(eq(alerts.departmentId, f.departmentId));
  // Confined callers see their departments' alerts only: system-wide ones (security, the fleet's
  // agent limit) speak of every department and its users.
  if (f.departmentIds) where.push(inArray(alerts.departmentId, f.departmentIds.length ? f.departmentIds : ['']));
  return where.length ? and(...where) : undefined;
}

/** One page of alerts in the asked order, and how many match (up to countCap + 1). */
export async function alertTablePage(
  db: Db,
  f: AlertTableFilter,
  sort: { key: AlertSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where = alertWhere(f);
  const k = keyset(alertSortColumns[sort.key], sort.dir, { col: alerts.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(alerts), sortValue: k.sortValue })
      .from(alerts)
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, alerts, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
