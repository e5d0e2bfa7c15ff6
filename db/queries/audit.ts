import { and, asc, desc, eq, gt, gte, lte, sql, type SQL, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema/auth';

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditInsert = Omit<typeof auditLog.$inferInsert, 'id'>;

export async function insertAuditRow(db: Db, row: AuditInsert): Promise<AuditRow> {
  const [inserted] = await db.insert(auditLog).values(row).returning();
  return inserted;
}

// One chainer at a time, across processes: each row's prev_hash must be the hash just before it.
const AUDIT_CHAIN_LOCK = 727_002;

/**
 * Runs `fn` with the newest chained row and the unchained rows after it (oldest first), inside a
 * transaction holding the chain lock; `fn` returns the links to write.
 */
export async function withUnchained(
  db: Db,
  limit: number,
  fn: (last: { id: number; hash: string } | undefined, rows: AuditRow[]) => { id: number; prev: string; hash: string }[],
): Promise<{ id: number; prev: string; hash: string }[]> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    // Rows are chained in id order, so everything after the newest chained row is unchained: both
    // reads walk the primary key. (No index may mention hash: the chain's update of hash and
    // prev_hash then stays a heap-only tuple update, with room left by the table's fillfactor.)
    const [last] = await tx
      .select({ id: auditLog.id, hash: auditLog.hash })
      .from(auditLog)
      .where(sql`${auditLog.hash} is not null`)
      .orderBy(desc(auditLog.id))
      .limit(1);
    const rows = await tx
      .select()
      .from(auditLog)
      .where(gt(auditLog.id, last?.id ?? 0))
      .orderBy(asc(auditLog.id))
      .limit(limit);
    if (!rows.length) return [];
    const links = fn(last ? { id: last.id, hash: last.hash! } : undefined, rows);
    if (links.length) {
      await tx.execute(sql`update audit_log a set prev_hash = v.prev, hash = v.hash
        from jsonb_to_recordset(${JSON.stringify(links)}::jsonb) as v(id bigint, prev text, hash text) where a.id = v.id`);
    }
    return links;
  });
}

export async function auditPage(db: Db, afterId: number, limit: number): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(limit);
}

export type AuditFilter = { actor?: string; action?: string; outcome?: AuditRow['outcome']; from?: Date; to?: Date; departmentIds?: string[] | null };

export async function listAudit(db: Db, f: AuditFilter, beforeId: number | undefined, limit: number): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (f.actor) where.push(sql`(${auditLog.actorId} = ${f.actor} or ${auditLog.actorName} = ${f.actor})`);
  if (f.action) where.push(f.action.endsWith('*') ? sql`${auditLog.action} like ${f.action.slice(0, -1) + '%'}` : eq(auditLog.action, f.action));
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
