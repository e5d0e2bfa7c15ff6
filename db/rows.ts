import { getTableColumns, type Column, type Table } from 'drizzle-orm';

/** Rows of a raw `db.execute`: postgres.js answers an array, PGlite an object with `rows`. */
export function rowsOf<T>(result: unknown): T[] {
  return Array.isArray(result) ? (result as T[]) : ((result as { rows?: T[] }).rows ?? []);
}

/**
 * Maps a raw row (snake_case names, driver values) of `table` to what a drizzle select returns.
 * Single-statement writes (data-modifying CTEs) go through `db.execute`, which skips drizzle's
 * own mapping; this applies the same per-column conversion drizzle does.
 */
export function mapRow<T extends Table>(table: T, raw: Record<string, unknown>): T['$inferSelect'] {
  const out: Record<string, unknown> = {};
  for (const [key, name, column] of columnsOf(table)) {
    const value = raw[name];
    // PGlite may hand back parsed Dates already; the timestamp mapper expects the driver's string.
    out[key] = value === null || value === undefined ? null : value instanceof Date ? value : column.mapFromDriverValue(value);
  }
  return out as T['$inferSelect'];
}

type ColumnOf = [key: string, name: string, column: Column];
const columnLists = new WeakMap<Table, ColumnOf[]>();

/** A table's columns, listed once: getTableColumns copies them into a new object on every call. */
function columnsOf(table: Table): ColumnOf[] {
  let list = columnLists.get(table);
  if (!list) {
    list = Object.entries(getTableColumns(table)).map(([key, column]) => [key, column.name, column] as ColumnOf);
    columnLists.set(table, list);
  }
  return list;
}
