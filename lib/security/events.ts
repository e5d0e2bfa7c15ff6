import type { Db } from '@/db/client';
import { securityEvents } from '@/db/schema/auth';
import { publishLive } from '../live';

export type SecurityEventInput = {
  kind: string;
  severity: 'low' | 'medium' | 'high' | 'critical';
  userId?: string;
  username?: string;
  ip?: string;
  detail?: Record<string, unknown>;
};

export async function recordSecurityEvent(db: Db, e: SecurityEventInput) {
  const [row] = await db.insert(securityEvents).values({ ...e, detail: e.detail ?? {} }).returning();
  publishLive({ type: 'alert', scope: null, data: { source: 'security', ...row } });
  return row;
}
