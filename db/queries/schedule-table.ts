import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { departments } from '../schema/org';
import { schedules } from '../schema/schedules';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';

/** The schedule list's sortable columns; the department by name, a paused schedule's next firing last, one never fired first. */
export const scheduleSortColumns = {
  name: { expr: schedules.name, cast: 'text' },
  department: { expr: sql`coalesce(${departments.name}, ${schedules.departmentId})`, cast: 'text' },
  enabled: { expr: sql`(${schedules.enabled})::int`, cast: 'integer' },
  nextFireAt: { expr: sql`coalesce(${schedules.nextFireAt}, 'infinity'::timestamptz)`, cast: 'timestamptz' },
  lastFiredAt: { expr: sql`coalesce(${schedules.lastFiredAt}, '-infinity'::timestamptz)`, cast: 'timestamptz' },
  createdAt: { expr: schedules.createdAt, cast: 'timestamptz' },
} satisfies Record<string, SortColumn>;
export type ScheduleSortKey = keyof typeof scheduleSortColumns;

export type ScheduleTableFilter = {
  /** In one of these departments: the caller's scope (null: every department). */
  departmentIds: string[] | null;
  departmentId?: string;
  enabled?: boolean;
};

/** One page of schedules (with their department's name) in the asked order, and how many match (up to countCap + 1). */
export async function scheduleTablePage(
  db: Db,
  f: ScheduleTableFilter,
  sort: { key: ScheduleSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where: SQL | undefined = and(
    f.departmentIds ? inArray(schedules.departmentId, f.departmentIds.length ? f.departmentIds : ['']) : undefined,
    f.departmentId ? eq(schedules.departmentId, f.departmentId) : undefined,
    f.enabled !== undefined ? eq(schedules.enabled, f.enabled) : undefined,
  );
  const k = keyset(scheduleSortColumns[sort.key], sort.dir, { col: schedules.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(schedules), departmentName: departments.name, sortValue: k.sortValue })
      .from(schedules)
      .leftJoin(departments, eq(departments.id, schedules.departmentId))
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, schedules, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
