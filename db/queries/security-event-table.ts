import { and, eq, getTableColumns, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { securityEvents } from '../schema/auth';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';
import type { SecurityEventSeverity } from '../vocabulary';

/** The security event list's sortable columns; severity from low to critical, no user or IP first. */
export const securityEventSortColumns = {
  at: { expr: securityEvents.at, cast: 'timestamptz' },
  kind: { expr: securityEvents.kind, cast: 'text' },
  severity: {
    expr: sql`(case ${securityEvents.severity} when 'low' then 0 when 'medium' then 1 when 'high' then 2 else 3 end)::int`,
    cast: 'integer',
  },
  username: { expr: sql`coalesce(${securityEvents.username}, '')`, cast: 'text' },
  ip: { expr: sql`coalesce(${securityEvents.ip}, '')`, cast: 'text' },
} satisfies Record<string, SortColumn>;
export type SecurityEventSortKey = keyof typeof securityEventSortColumns;

/** One page of security events in the asked order, and how many match (up to countCap + 1). */
export async function securityEventTablePage(
  db: Db,
  f: { kind?: string; severity?: SecurityEventSeverity },
  sort: { key: SecurityEventSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where: SQL | undefined = and(
    f.kind ? eq(securityEvents.kind, f.kind) : undefined,
    f.severity ? eq(securityEvents.severity, f.severity) : undefined,
  );
  const k = keyset(securityEventSortColumns[sort.key], sort.dir, { col: securityEvents.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(securityEvents), sortValue: k.sortValue })
      .from(securityEvents)
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, securityEvents, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
