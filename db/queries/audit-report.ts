import { and, desc, gte, inArray, lt, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema/auth';

export type AuditCount = { action: string; outcome: string; n: number };

/** Counts per action and outcome in [from, to), optionally only rows of some departments. */
export async function auditCounts(db: Db, from: Date, to: Date, departmentIds: string[] | null): Promise<AuditCount[]> {
  const where: SQL[] = [gte(auditLog.at, from), lt(auditLog.at, to)];
  if (departmentIds) where.push(inArray(auditLog.departmentId, departmentIds));
  return db
    .select({ action: auditLog.action, outcome: auditLog.outcome, n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(...where))
    .groupBy(auditLog.action, auditLog.outcome);
}

export async function auditRowsOf(db: Db, actions: string[], from: Date, to: Date, departmentIds: string[] | null, limit: number) {
  const where: SQL[] = [gte(auditLog.at, from), lt(auditLog.at, to), inArray(auditLog.action, actions)];
  if (departmentIds) where.push(inArray(auditLog.departmentId, departmentIds));
  return db
    .select()
    .from(auditLog)
    .where(and(...where))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
