import { and, asc, desc, eq, gt, gte, lte, sql, type SQL, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema/auth';
import { rowsOf } from '../rows';

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditInsert = Omit<typeof auditLog.$inferInsert, 'id'>;

export async function insertAuditRow(db: Db, row: AuditInsert): Promise<AuditRow> {
  const [inserted] = await db.insert(auditLog).values(row).returning();
  return inserted;
}

// One chain pass at a time, across processes: each row's prev_hash must be the hash just before it.
const AUDIT_CHAIN_LOCK = 727_002;
// Held for as long as a process is the chainer (the one that writes the checkpoint). The two-key
// form lives in its own key space (objsubid 2), apart from every single-key lock (727_003 is the agent limit's).
const AUDIT_CHAINER_LOCK = `${AUDIT_CHAIN_LOCK}, 1`;

/** The insert of `v` as statement text with its parameters numbered from `first`, for a single-statement write to embed as a CTE. */
export function auditInsertStatement(first: number, v: AuditInsert): { text: string; params: unknown[] } {
  const params = [
    (v.at ?? new Date()).toISOString(),
    v.actorType,
    v.actorId ?? null,
    v.actorName ?? null,
    v.action,
    v.targetType ?? null,
    v.targetId ?? null,
    v.departmentId ?? null,
    v.ip ?? null,
    v.outcome ?? 'success',
    v.mac ?? null,
    JSON.stringify(v.detail ?? {}),
  ];
  const [at, ...rest] = params.map((_, i) => `$${first + i}`);
  const detail = rest.pop();
  return {
    text: `insert into audit_log (at, actor_type, actor_id, actor_name, action, target_type, target_id, department_id, ip, outcome, mac, detail)
      values (${at}::timestamptz, ${rest.map((p) => `${p}::text`).join(', ')}, ${detail}::jsonb)`,
    params,
  };
}

export type ChainLink = { id: number; prev: string; hash: string };

/**
 * Runs `fn` with the newest chained row and the unchained rows after it and after `floorId`
 * (oldest first), inside a transaction holding the chain lock; `fn` returns the links to write.
 */
export async function withUnchained(
  db: Db,
  floorId: number,
  limit: number,
  fn: (last: AuditRow | undefined, rows: AuditRow[]) => ChainLink[],
): Promise<ChainLink[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    // Rows are chained in id order, so everything after the newest chained row is unchained: both
    // reads walk the primary key. (No index may mention hash: the chain's update of hash and
    // prev_hash then stays a heap-only tuple update, with room left by the table's fillfactor.)
    const [last] = await tx.select().from(auditLog).where(sql`${auditLog.hash} is not null`).orderBy(desc(auditLog.id)).limit(1);
    const rows = await tx
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, Math.max(last?.id ?? 0, floorId)))
      .orderBy(asc(auditLog.id))
      .limit(limit);
    if (!rows.length) return [];
    const links = fn(last, rows);
    if (links.length) {
      await tx.execute(sql`update audit_log a set prev_hash = v.prev, hash = v.hash
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as v(id bigint, prev text, hash text) where a.id = v.id and a.hash is null`);
    }
    return links;
  });
}

/** The first row that carries a MAC: where keyed rows begin. */
export async function firstKeyedAuditId(db: Db): Promise<number | null> {
  const [row] = await db
    .select({ id: auditLog.id })
    .from(auditLog)
    .where(sql`${auditLog.mac} is not null`)
    .orderBy(asc(auditLog.id))
    .limit(1);
  return row?.id ?? null;
}

/** MACs carried by more than one row (the unique index forbids it; a dropped index lets copies in). */
export async function duplicateAuditMacs(db: Db, limit: number): Promise<{ id: number; n: number }[]> {
  const rows = await db.execute<{ id: string | number; n: number }>(
    sql`select max(id) as id, count(*)::int as n from audit_log where mac is not null group by mac having count(*) > 1 order by 1 limit ${limit}`,
  );
  return rowsOf<{ id: string | number; n: number }>(rows).map((r) => ({ id: Number(r.id), n: r.n }));
}

/** Names this database (cluster and database), for the checkpoint kept outside it. */
export async function databaseIdentity(db: Db): Promise<string> {
  const rows = await db.execute<{ s: string; d: string }>(
    sql`select system_identifier::text as s, current_database() as d from pg_control_system()`,
  );
  const [r] = rowsOf<{ s: string; d: string }>(rows);
  return `${r.s}/${r.d}`;
}

export type ChainerLease = { alive: () => Promise<boolean>; release: () => Promise<void> };

/**
 * Becomes the process that chains, by a session advisory lock held on one reserved connection
 * (Postgres ends the session, and frees the lock, when the process dies). Answers undefined when
 * another process holds it. Embedded PGlite has one process: it always leads.
 */
export async function tryChainerLease(db: Db): Promise<ChainerLease | undefined> {
  const client = (db as unknown as { $client?: { reserve?: () => Promise<Reserved> } }).$client;
  if (!client?.reserve) return { alive: async () => true, release: async () => {} };
  const conn = await client.reserve();
  try {
    const [row] = await conn.unsafe<{ ok: boolean }>(`select pg_try_advisory_lock(${AUDIT_CHAINER_LOCK}) as ok`);
    if (!row?.ok) {
      conn.release();
      return undefined;
    }
  } catch (err) {
    conn.release();
    throw err;
  }
  let released = false;
  return {
    alive: async () =>
      !released &&
      (await conn.unsafe<{ ok: number }>('select 1 as ok').then(
        () => true,
        () => false,
      )),
    release: async () => {
      if (released) return;
      released = true;
      await conn.unsafe(`select pg_advisory_unlock(${AUDIT_CHAINER_LOCK})`).catch(() => undefined);
      conn.release();
    },
  };
}

type Reserved = { unsafe: <T>(q: string) => Promise<T[]>; release: () => void };

/** Runs `fn` on one read-only snapshot: a long read then sees the log as it was at one moment, not half chained. */
export function withAuditSnapshot<T>(db: Db, fn: (tx: Db) => Promise<T>): Promise<T> {
  return db.transaction((tx) => fn(tx as unknown as Db), { isolationLevel: 'repeatable read', accessMode: 'read only' });
}

/**
 * Up to `limit` rows after `afterId` as one JSON text (Postgres renders it; the worker pool parses
 * it), and the last id in it. Undefined past the end.
 */
export async function auditPageText(db: Db, afterId: number, limit: number): Promise<{ text: string; lastId: number } | undefined> {
  const result = await db.execute(sql`select json_agg(a order by a.id)::text as text, max(a.id)::text as last
    from (select * from audit_log where id > ${afterId} order by id limit ${limit}) a`);
  const [row] = rowsOf<{ text: string | null; last: string | null }>(result);
  return row?.text ? { text: row.text, lastId: Number(row.last) } : undefined;
}

export async function auditRowHash(db: Db, id: number): Promise<{ hash: string | null } | undefined> {
  const [row] = await db.select({ hash: auditLog.hash }).from(auditLog).where(eq(auditLog.id, id));
  return row;
}

export type AuditFilter = {
  actor?: string;
  action?: string;
  outcome?: AuditRow['outcome'];
  from?: Date;
  to?: Date;
  departmentIds?: string[] | null;
};

export async function listAudit(db: Db, f: AuditFilter, beforeId: number | undefined, limit: number): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (f.actor) where.push(sql`(${auditLog.actorId} = ${f.actor} or ${auditLog.actorName} = ${f.actor})`);
  if (f.action)
    where.push(f.action.endsWith('*') ? sql`${auditLog.action} like ${`${f.action.slice(0, -1)}%`}` : eq(auditLog.action, f.action));
  if (f.outcome) where.push(eq(auditLog.outcome, f.outcome));
  if (f.from) where.push(gte(auditLog.at, f.from));
  if (f.to) where.push(lte(auditLog.at, f.to));
  if (f.departmentIds) where.push(inArray(auditLog.departmentId, f.departmentIds));
  if (beforeId !== undefined) where.push(sql`${auditLog.id} < ${beforeId}`);
  return db
    .select()
    .from(auditLog)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
