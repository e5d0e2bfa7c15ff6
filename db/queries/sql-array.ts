import { sql, type SQL } from 'drizzle-orm';

/**
 * A text[] value. Drizzle expands a JS array inside sql`` into a row `($1, $2)`, which Postgres
 * can't cast to text[]; `array[$1, $2]` works on postgres.js and PGlite alike, and for [] too.
 */
export function textArray(values: readonly string[]): SQL {
  return sql`array[${sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  )}]::text[]`;
}
