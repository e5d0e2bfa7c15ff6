import { sql, type SQL } from 'drizzle-orm';
import type { Db } from './client';
import { rowsOf } from './rows';

type PgJs = { unsafe: (text: string, params: unknown[], opts: { prepare: boolean }) => Promise<unknown[]> };

/**
 * Runs a constant statement with $1… parameters and answers its raw rows. On postgres.js it goes
 * straight to the driver as a named prepared statement: drizzle renders a template anew on every
 * call, which on the hottest writes (create, hand-out, completion) cost the server more CPU than
 * Postgres spent running them. A transaction or PGlite goes through drizzle, with the same text.
 */
export async function runText<T = Record<string, unknown>>(db: Db, text: string, params: readonly unknown[]): Promise<T[]> {
  const client = (db as unknown as { $client?: Partial<PgJs> }).$client;
  if (typeof client?.unsafe === 'function') return (await client.unsafe(text, params as unknown[], { prepare: true })) as T[];
  return rowsOf<T>(await db.execute(toSql(text, params)));
}

/** `$n` placeholders to drizzle parameters (a placeholder may appear more than once). */
export function toSql(text: string, params: readonly unknown[]): SQL {
  const chunks: SQL[] = [];
  let last = 0;
  for (const m of text.matchAll(/\$(\d+)/g)) {
    const n = Number(m[1]);
    if (n < 1 || n > params.length) throw new Error(`Statement names $${n} but has ${params.length} parameters`);
    chunks.push(sql.raw(text.slice(last, m.index)), sql`${params[n - 1]}`);
    last = m.index! + m[0].length;
  }
  chunks.push(sql.raw(text.slice(last)));
  return sql.join(chunks);
}
