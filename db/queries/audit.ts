import { and, asc, desc, eq, gt, gte, lte, sql, type SQL, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema/auth';

export type AuditRow = typeof auditLog.$inferSelect;
export type AuditInsert = Omit<typeof auditLog.$inferInsert, 'id'>;

// Serialises appends so each row's prevHash is the hash of the row just before it.
const AUDIT_CHAIN_LOCK = 727_002;

export async function appendAuditRow(db: Db, build: (prevHash: string | undefined) => AuditInsert): Promise<AuditRow> {
  return db.transaction(async (tx) => {
    await tx.execute(sql`select pg_advisory_xact_lock(${AUDIT_CHAIN_LOCK})`);
    const [last] = await tx.select({ hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
    const [row] = await tx.insert(auditLog).values(build(last?.hash)).returning();
    return row;
  });
}

export async function auditPage(db: Db, afterId: number, limit: number): Promise<AuditRow[]> {
  return db.select().from(auditLog).where(gt(auditLog.id, afterId)).orderBy(asc(auditLog.id)).limit(limit);
}

export type AuditFilter = { actor?: string; action?: string; from?: Date; to?: Date; departmentIds?: string[] | null };

export async function listAudit(db: Db, f: AuditFilter, beforeId: number | undefined, limit: number): Promise<AuditRow[]> {
  const where: SQL[] = [];
  if (f.actor) where.push(sql`(${auditLog.actorId} = ${f.actor} or ${auditLog.actorName} = ${f.actor})`);
  if (f.action) where.push(f.action.endsWith('*') ? sql`${auditLog.action} like ${f.action.slice(0, -1) + '%'}` : eq(auditLog.action, f.action));
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
