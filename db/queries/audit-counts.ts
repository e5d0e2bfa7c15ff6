import { and, eq, gt, inArray, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema/auth';

/** Distinct usernames whose login failed from `ip` since `since`. */
export async function failedLoginNamesFromIp(db: Db, ip: string, since: Date): Promise<number> {
  const [{ n }] = await db
    .select({ n: sql<number>`count(distinct ${auditLog.actorName})::int` })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'auth.login'), eq(auditLog.outcome, 'failure'), eq(auditLog.ip, ip), gt(auditLog.at, since)));
  return n;
}

/**
 * Failed or refused logins on one account since `since`; an unknown username is counted by its
 * name, with the same query shape, so both take the same time.
 */
export async function refusedLoginsOn(db: Db, who: { userId?: string; username: string }, since: Date): Promise<number> {
  const target = who.userId ? eq(auditLog.targetId, who.userId) : and(isNull(auditLog.targetId), eq(auditLog.actorName, who.username));
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'auth.login'), inArray(auditLog.outcome, ['failure', 'denied']), target, gt(auditLog.at, since)));
  return n;
}

/** Audited refusals of one principal since `since`. */
export async function deniedAccessCount(db: Db, actorId: string, since: Date): Promise<number> {
  const [{ n }] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(auditLog)
    .where(and(eq(auditLog.action, 'access.denied'), eq(auditLog.actorId, actorId), gt(auditLog.at, since)));
  return n;
}
