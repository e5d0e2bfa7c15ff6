import { and, desc, eq, getTableColumns, type SQL } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { securityEvents } from '@/db/schema/auth';
import { publishLive } from '../live';
import { authorize, type Principal } from '../permissions/rbac';
import { beforeCursor, cursorTime, decodeCursor, page } from '../paging/cursor';

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
  const [row] = await db
    .insert(securityEvents)
    .values({ ...e, detail: e.detail ?? {} })
    .returning();
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
  const cursor = decodeCursor(f.cursor);
  if (cursor) where.push(beforeCursor(securityEvents.at, securityEvents.id, cursor));
  const rows = await db
    .select({ ...getTableColumns(securityEvents), cursorAt: cursorTime(securityEvents.at) })
    .from(securityEvents)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(securityEvents.at), desc(securityEvents.id))
    .limit(f.limit + 1);
  const p = page(rows, f.limit);
  return { items: p.items.map(({ cursorAt: _, ...r }) => ({ ...r, at: r.at.toISOString() })), nextCursor: p.nextCursor };
}
