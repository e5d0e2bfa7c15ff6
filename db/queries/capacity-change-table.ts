import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { departments, resourceChanges } from '../schema/org';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';

/** The capacity change list's sortable columns; the pool by its department's name, then kind. */
export const capacityChangeSortColumns = {
  at: { expr: resourceChanges.at, cast: 'timestamptz' },
  pool: { expr: sql`coalesce(${departments.name}, ${resourceChanges.departmentId}) || ' · ' || ${resourceChanges.type}`, cast: 'text' },
  change: { expr: sql`(${resourceChanges.capacityAfter} - ${resourceChanges.capacityBefore})::int`, cast: 'integer' },
  reason: { expr: resourceChanges.reason, cast: 'text' },
} satisfies Record<string, SortColumn>;
export type CapacityChangeSortKey = keyof typeof capacityChangeSortColumns;

/** One page of capacity changes (with the department's name) in the asked order, and how many match (up to countCap + 1). */
export async function capacityChangeTablePage(
  db: Db,
  f: { departmentIds: string[] | null; departmentId?: string },
  sort: { key: CapacityChangeSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where: SQL | undefined = and(
    f.departmentIds ? inArray(resourceChanges.departmentId, f.departmentIds.length ? f.departmentIds : ['']) : undefined,
    f.departmentId ? eq(resourceChanges.departmentId, f.departmentId) : undefined,
  );
  const k = keyset(capacityChangeSortColumns[sort.key], sort.dir, { col: resourceChanges.id, cast: 'bigint' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(resourceChanges), departmentName: departments.name, sortValue: k.sortValue })
      .from(resourceChanges)
      .leftJoin(departments, eq(departments.id, resourceChanges.departmentId))
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, resourceChanges, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => String(r.id)), count };
}
