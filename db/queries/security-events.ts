import { and, eq, gt } from 'drizzle-orm';
import type { Db } from '../client';
import { securityEvents } from '../schema/auth';
import type { SecurityEventSeverity } from '../vocabulary';

export type SecurityEventRow = typeof securityEvents.$inferSelect;

export async function insertSecurityEvent(
  db: Db,
  e: {
    kind: string;
    severity: SecurityEventSeverity;
    userId?: string;
    username?: string;
    ip?: string;
    detail: Record<string, unknown>;
  },
): Promise<SecurityEventRow> {
  const [row] = await db.insert(securityEvents).values(e).returning();
  return row;
}

/** Whether an event of `kind` about this user (else IP, else username) was recorded since `since`. */
export async function securityEventSince(
  db: Db,
  kind: string,
  who: { userId?: string; ip?: string; username?: string },
  since: Date,
): Promise<boolean> {
  const match = who.userId
    ? eq(securityEvents.userId, who.userId)
    : who.ip
      ? eq(securityEvents.ip, who.ip)
      : eq(securityEvents.username, who.username ?? '');
  const [row] = await db
    .select({ id: securityEvents.id })
    .from(securityEvents)
    .where(and(eq(securityEvents.kind, kind), match, gt(securityEvents.at, since)))
    .limit(1);
  return !!row;
}
