import type { Db } from '@/db/client';
import { insertSecurityEvent, type SecurityEventRow } from '@/db/queries/security-events';
import { securityEventSeverities, type SecurityEventSeverity } from '@/db/vocabulary';
import { publishLive } from '../live';

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
