import { sql, type SQL } from 'drizzle-orm';
import type { AnyPgColumn } from 'drizzle-orm/pg-core';

/**
 * A timestamp column as UTC text to the microsecond, which is what the keyset cursor carries.
 * Postgres keeps microseconds and a JS Date milliseconds: a cursor made from a Date cut between
 * rows of one millisecond and the next page skipped those sorting after the cut.
 */
export function cursorTime(col: AnyPgColumn | SQL): SQL<string> {
  return sql<string>`to_char(${col} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;
}

/** Rows after the cursor in (timestamp, id) descending order, compared in Postgres at full precision. */
export function beforeCursor(atCol: AnyPgColumn, idCol: AnyPgColumn, cursor: { at: string; id: string }): SQL {
  return sql`(${atCol}, ${idCol}) < (${cursor.at}::timestamptz, ${cursor.id}::uuid)`;
}
