import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn, PgTable } from 'drizzle-orm/pg-core';
import type { Db } from './client';
import { rowsOf } from './rows';

/**
 * Keyset paging in any sort order a table allows: rows are ordered by (sort value, id), both the
 * same direction, and a page starts after (or, going back, before) the (value, id) of the row at
 * its edge. The value travels as text and is cast back in Postgres, so it compares at full
 * precision (microseconds, collation) exactly as the ORDER BY does.
 */

/** How a sort value's text is read back: the Postgres type of the sort expression. */
export type SortCast = 'text' | 'integer' | 'bigint' | 'double precision' | 'timestamptz';

/** A sortable column: never null (coalesce a nullable one), or rows would drop out of the order. */
export type SortColumn = { expr: AnyPgColumn | SQL; cast: SortCast };

export type SortDir = 'asc' | 'desc';
/** Where a page starts: after the row (value, id), or before it when going back. */
export type Seek = { value: string; id: string; back: boolean };

const INTEGER = /^-?\d{1,18}$/;
const ISO_MICROS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const NUMBER = /^-?(\d+(\.\d+)?([eE][-+]?\d+)?|Infinity|NaN)$/;

/** Whether a cursor's value can be cast to the column's type (a forged one must be a 400, not a Postgres error). */
export function seekValueFits(cast: SortCast, value: string): boolean {
  if (value.length > 1200) return false;
  switch (cast) {
    case 'text':
      return !value.includes('\0');
    case 'integer':
      return INTEGER.test(value) && Math.abs(Number(value)) <= 2 ** 31 - 1;
    case 'bigint':
      return INTEGER.test(value);
    case 'double precision':
      return NUMBER.test(value);
    case 'timestamptz':
      return value === '-infinity' || value === 'infinity' || (ISO_MICROS.test(value) && !Number.isNaN(Date.parse(value)));
  }
}

/** The sort value as text that casts back to the same value; times in UTC to the microsecond, whatever the session's zone. */
function sortText(column: SortColumn): SQL<string> {
  if (column.cast !== 'timestamptz') return sql<string>`(${column.expr})::text`;
  return sql<string>`case when isfinite(${column.expr}) then to_char((${column.expr}) at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"') else (${column.expr})::text end`;
}

/**
 * The pieces of one keyset-paged select: select `sortValue` with the row, add `where` to its
 * conditions, order by `orderBy`, fetch `limit + 1` rows and hand them to `finish`.
 */
export function keyset(column: SortColumn, dir: SortDir, id: { col: AnyPgColumn; cast: 'uuid' | 'bigint' }, seek: Seek | undefined) {
  // Going back reads the other way from the cursor and turns the rows round afterwards.
  const ascending = (dir === 'asc') !== (seek?.back ?? false);
  const cast = sql.raw(column.cast);
  const idCast = sql.raw(id.cast);
  const where = seek
    ? ascending
      ? sql`(${column.expr}, ${id.col}) > (${seek.value}::${cast}, ${seek.id}::${idCast})`
      : sql`(${column.expr}, ${id.col}) < (${seek.value}::${cast}, ${seek.id}::${idCast})`
    : undefined;
  const orderBy = ascending ? [sql`${column.expr} asc`, sql`${id.col} asc`] : [sql`${column.expr} desc`, sql`${id.col} desc`];
  return {
    sortValue: sortText(column),
    where,
    orderBy,
    /** The page's rows in the asked order, and where the pages either side of it start (null: none). */
    finish<T extends { sortValue: string }>(rows: T[], limit: number, idOf: (row: T) => string) {
      const more = rows.length > limit;
      const items = rows.slice(0, limit);
      if (seek?.back) items.reverse();
      const first = items[0];
      const last = items[items.length - 1];
      const at = (row: T, back: boolean): Seek => ({ value: row.sortValue, id: idOf(row), back });
      // Forwards, a previous page exists when we came from one; backwards, a next one always does.
      const next = last && (seek?.back ? true : more) ? at(last, false) : null;
      const prev = first && (seek?.back ? more : !!seek) ? at(first, true) : null;
      return { items, next, prev };
    },
  };
}

/** Matching rows, counted up to `cap + 1` at most: past the cap the caller says "more than cap". */
export async function cappedCount(db: Db, table: PgTable, where: SQL | undefined, cap: number): Promise<number> {
  const result = await db.execute(
    sql`select count(*)::int as n from (select 1 from ${table} where ${where ?? sql`true`} limit ${cap + 1}) s`,
  );
  return Number(rowsOf<{ n: number | string }>(result)[0]?.n ?? 0);
}
