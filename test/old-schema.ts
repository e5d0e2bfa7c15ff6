import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Sql } from 'postgres';

const folder = path.resolve(import.meta.dirname, '../db/migrations');

type Journal = { entries: { idx: number; tag: string; when: number }[] } & Record<string, unknown>;
type SnapshotColumn = { name: string; notNull: boolean; default?: unknown; generated?: unknown };
export type Snapshot = { tables: Record<string, { name: string; schema: string; columns: Record<string, SnapshotColumn> }> };

export function journal(): Journal {
  return JSON.parse(readFileSync(path.join(folder, 'meta/_journal.json'), 'utf8')) as Journal;
}

/**
 * The schema a database actually has (its public tables and their columns), in the shape of
 * drizzle-kit's snapshot: read from the database the older migrations built, so the test needs no
 * snapshot file per migration and sees exactly what those migrations made.
 */
export async function snapshotOf(db: Sql): Promise<Snapshot> {
  const rows = await db<
    {
      table_name: string;
      column_name: string;
      is_nullable: string;
      column_default: string | null;
      is_generated: string;
      is_identity: string;
      identity_generation: string | null;
    }[]
  >`
    select c.table_name, c.column_name, c.is_nullable, c.column_default, c.is_generated, c.is_identity, c.identity_generation
    from information_schema.columns c
    join information_schema.tables t on t.table_schema = c.table_schema and t.table_name = c.table_name and t.table_type = 'BASE TABLE'
    where c.table_schema = 'public'
    order by c.table_name, c.ordinal_position`;
  const tables: Snapshot['tables'] = {};
  for (const r of rows) {
    const t = (tables[`public.${r.table_name}`] ??= { name: r.table_name, schema: 'public', columns: {} });
    t.columns[r.column_name] = {
      name: r.column_name,
      notNull: r.is_nullable === 'NO',
      default: r.column_default ?? undefined,
      generated: r.is_generated === 'ALWAYS' ? true : undefined,
    };
  }
  return { tables };
}

/**
 * A migrations folder holding only the first `count` migrations of the real one (same SQL, the
 * journal cut short), so drizzle's own migrator builds a database at that older schema, with the
 * bookkeeping the real upgrade path (db/migrate.ts) will read.
 */
export function migrationsUpTo(count: number): string {
  const j = journal();
  const dir = mkdtempSync(path.join(tmpdir(), 'ecs-migrations-'));
  mkdirSync(path.join(dir, 'meta'));
  const entries = j.entries.slice(0, count);
  for (const e of entries) copyFileSync(path.join(folder, `${e.tag}.sql`), path.join(dir, `${e.tag}.sql`));
  writeFileSync(path.join(dir, 'meta/_journal.json'), JSON.stringify({ ...j, entries }));
  return dir;
}

/** The columns an older schema's table has that can be written (generated ones can't). */
export function writableColumns(snapshot: Snapshot, table: string): string[] {
  return Object.values(snapshot.tables[`public.${table}`].columns)
    .filter((c) => !c.generated)
    .map((c) => c.name);
}

export const tablesOf = (snapshot: Snapshot) =>
  Object.values(snapshot.tables)
    .filter((t) => t.schema === 'public' || t.schema === '')
    .map((t) => t.name);

const ident = (s: string) => `"${s.replace(/"/g, '""')}"`;

/**
 * Copies `from`'s rows into `to` (a database at an older schema), each table projected on the
 * columns the older schema has: read as JSON, written with `json_populate_recordset` over the older
 * table's own row type, so every value goes through that schema's input functions. Foreign keys
 * and triggers are off for the load (session_replication_role), as in a restore, and the sequences
 * behind identity and serial columns are moved past the copied ids, as they would be on a database
 * that had made those rows itself. `to` must be a single-connection client.
 */
export async function copyProjected(from: Sql, to: Sql, snapshot: Snapshot): Promise<void> {
  await to`set session_replication_role = replica`;
  for (const table of tablesOf(snapshot)) {
    const cols = writableColumns(snapshot, table).map(ident).join(', ');
    const [{ rows }] = await from.unsafe<{ rows: string | null }[]>(
      `select json_agg(x)::text as rows from (select ${cols} from ${ident(table)}) x`,
    );
    if (!rows) continue;
    await to.unsafe(
      `insert into ${ident(table)} (${cols}) overriding system value select ${cols} from json_populate_recordset(null::${ident(table)}, ($1::text)::json)`,
      [rows],
    );
  }
  await to`set session_replication_role = origin`;
  const owned = await to<{ seq: string; tbl: string; col: string }[]>`
    select s.relname as seq, t.relname as tbl, a.attname as col
    from pg_class s
    join pg_depend d on d.objid = s.oid and d.classid = 'pg_class'::regclass and d.refclassid = 'pg_class'::regclass
    join pg_class t on t.oid = d.refobjid
    join pg_attribute a on a.attrelid = t.oid and a.attnum = d.refobjsubid
    join pg_namespace n on n.oid = s.relnamespace
    where s.relkind = 'S' and n.nspname = 'public'`;
  for (const o of owned) {
    await to.unsafe(
      `select setval('${ident(o.seq)}', coalesce((select max(${ident(o.col)}) from ${ident(o.tbl)}), 1), (select count(*) > 0 from ${ident(o.tbl)}))`,
    );
  }
}

/** Row count and a digest of every row's given columns: equal digests, equal rows. */
export async function tableDigest(db: Sql, table: string, columns: string[]): Promise<{ rows: number; digest: string | null }> {
  const cols = columns.map(ident).join(', ');
  const [r] = await db.unsafe<{ rows: number; digest: string | null }[]>(
    `select count(*)::int as rows, md5(string_agg(r, E'\\n' order by r)) as digest from (select row(${cols})::text as r from ${ident(table)}) x`,
  );
  return r;
}
