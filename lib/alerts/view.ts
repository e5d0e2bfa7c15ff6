import type { AlertRow } from '@/db/queries/alerts';
import { publishLive } from '../live';

export type AlertView = {
  id: string;
  kind: string;
  severity: string;
  departmentId: string | null;
  message: string;
  status: string;
  detail: Record<string, unknown>;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
};

export function alertView(a: AlertRow): AlertView {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    departmentId: a.departmentId,
    message: a.message,
    status: a.status,
    detail: a.detail,
    createdAt: a.createdAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}

export function announce(event: 'raised' | 'acknowledged' | 'resolved', a: AlertRow): void {
  const view = alertView(a);
  // A system-wide alert (security, the fleet's agent limit) reaches organisation-wide consoles only.
  publishLive({
    type: 'alert',
    scope: a.departmentId,
    ...(a.departmentId ? {} : { organisationWide: true }),
    data: { source: 'alerts', event, alert: view },
  });
}
