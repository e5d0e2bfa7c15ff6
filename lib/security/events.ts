import type { Db } from '@/db/client';
import { insertSecurityEvent, securityEventPage, type SecurityEventRow } from '@/db/queries/security-events';
import { securityEventSeverities, type SecurityEventSeverity } from '@/db/vocabulary';
import { publishLive } from '../live';
import { authorize, type Principal } from '../permissions/rbac';
import { decodeCursor, page } from '../paging/cursor';

export const severities = securityEventSeverities;
export type Severity = SecurityEventSeverity;
export type { SecurityEventRow };

export type SecurityEventInput = {
  kind: string;
  severity: Severity;
  userId?: string;
  username?: string;
  ip?: string;
  detail?: Record<string, unknown>;
};

/** Stores the event and pushes it live, only to consoles whose user may read security events. */
export async function recordSecurityEvent(db: Db, e: SecurityEventInput): Promise<SecurityEventRow> {
  const row = await insertSecurityEvent(db, { ...e, detail: e.detail ?? {} });
  publishLive({ type: 'alert', scope: null, permission: 'security:read', data: { source: 'security', ...row } });
  return row;
}

export type SecurityEventFilter = { kind?: string; severity?: Severity; limit: number; cursor?: string };

/** Newest first; the cursor is the last row's `at|id`, so pages never skip or repeat a row. */
export async function listSecurityEvents(db: Db, principal: Principal, f: SecurityEventFilter) {
  authorize(principal, 'security:read');
  const rows = await securityEventPage(db, { kind: f.kind, severity: f.severity, cursor: decodeCursor(f.cursor), limit: f.limit + 1 });
  const p = page(rows, f.limit);
  return { items: p.items.map(({ cursorAt: _, ...r }) => ({ ...r, at: r.at.toISOString() })), nextCursor: p.nextCursor };
}
