import { and, desc, eq, sql, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { securityEvents } from '@/db/schema/auth';
import { publishLive } from '../live';
import { authorize, type Principal } from '../auth/rbac';
import { badRequest } from '../errors';

export const severities = ['low', 'medium', 'high', 'critical'] as const;
export type Severity = (typeof severities)[number];

export type SecurityEventInput = {
  kind: string;
  severity: Severity;
  userId?: string;
  username?: string;
  ip?: string;
  detail?: Record<string, unknown>;
};

export type SecurityEventRow = typeof securityEvents.$inferSelect;

/** Stores the event and pushes it live, only to consoles whose user may read security events. */
export async function recordSecurityEvent(db: Db, e: SecurityEventInput): Promise<SecurityEventRow> {
  const [row] = await db.insert(securityEvents).values({ ...e, detail: e.detail ?? {} }).returning();
  publishLive({ type: 'alert', scope: null, permission: 'security:read', data: { source: 'security', ...row } });
  return row;
}

export type SecurityEventFilter = { kind?: string; severity?: Severity; limit: number; cursor?: string };

/** Newest first; the cursor is the last row's `at|id`, so pages never skip or repeat a row. */
export async function listSecurityEvents(db: Db, principal: Principal, f: SecurityEventFilter) {
  authorize(principal, 'security:read');
  const where: SQL[] = [];
  if (f.kind) where.push(eq(securityEvents.kind, f.kind));
  if (f.severity) where.push(eq(securityEvents.severity, f.severity));
  if (f.cursor) {
    const { at, id } = decodeCursor(f.cursor);
    where.push(sql`(${securityEvents.at}, ${securityEvents.id}) < (${at.toISOString()}::timestamptz, ${id}::uuid)`);
  }
  const rows = await db
    .select()
    .from(securityEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(securityEvents.at), desc(securityEvents.id))
    .limit(f.limit + 1);
  const items = rows.slice(0, f.limit).map((r) => ({ ...r, at: r.at.toISOString() }));
  const last = rows.length > f.limit ? rows[f.limit - 1] : undefined;
  return { items, nextCursor: last ? Buffer.from(`${last.at.toISOString()}|${last.id}`).toString('base64url') : null };
}

function decodeCursor(cursor: string): { at: Date; id: string } {
  const [at, id] = Buffer.from(cursor, 'base64url').toString('utf8').split('|');
  const date = new Date(at ?? '');
  if (Number.isNaN(date.getTime()) || !/^[0-9a-f-]{36}$/.test(id ?? '')) throw badRequest('Invalid cursor');
  return { at: date, id };
}
