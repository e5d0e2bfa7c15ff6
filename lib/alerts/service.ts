import { z } from 'zod';
import type { Db } from '@/db/client';
import { findAlert, listAlertRows, updateAlert } from '@/db/queries/alerts';
import { audit } from '../audit/log';
import { authorize, departmentFilter, isGlobal, OutOfScope, type Principal } from '../permissions/rbac';
import { departmentIdSchema } from '../org/department-id';
import { conflict, notFound } from '../errors';
import { alertView, announce, type AlertView } from './view';
import { resolveActiveAlert } from './raise';
import { decodeCursor, page } from '../paging/cursor';

export const alertIdParams = z.object({ id: z.uuid() });
export const listAlertsQuery = z.object({
  /** active = open or acknowledged: what still needs attention. */
  status: z.enum(['open', 'acknowledged', 'resolved', 'active']).optional(),
  departmentId: departmentIdSchema.optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  cursor: z.string().max(200).optional(),
});

export async function listAlerts(
  db: Db,
  principal: Principal,
  q: z.output<typeof listAlertsQuery>,
): Promise<{ items: AlertView[]; nextCursor: string | null }> {
  if (q.departmentId) authorize(principal, 'alert:read', { departmentId: q.departmentId, what: 'Department' });
  else authorize(principal, 'alert:read');
  const rows = await listAlertRows(db, {
    status: q.status,
    departmentId: q.departmentId,
    departmentIds: departmentFilter(principal),
    cursor: q.cursor ? decodeCursor(q.cursor) : undefined,
    limit: q.limit + 1,
  });
  const p = page(rows, q.limit);
  return { items: p.items.map(alertView), nextCursor: p.nextCursor };
}

/** Loads an alert the caller may act on; system-wide alerts need a global role. */
async function loadFor(db: Db, principal: Principal, id: string, permission: string) {
  const a = await findAlert(db, id);
  if (!a) throw notFound('Alert');
  if (a.departmentId) authorize(principal, permission, { departmentId: a.departmentId, what: 'Alert' });
  else {
    authorize(principal, permission);
    // System-wide alerts (security, the fleet's agent limit) are not listed for department roles either.
    if (!isGlobal(principal)) throw new OutOfScope('Alert');
  }
  return a;
}

export async function acknowledgeAlert(db: Db, principal: Principal, id: string): Promise<AlertView> {
  const a = await loadFor(db, principal, id, 'alert:acknowledge');
  if (a.status !== 'open') throw conflict(`Alert is ${a.status}`);
  const row = await updateAlert(db, id, { status: 'acknowledged', acknowledgedAt: new Date(), acknowledgedBy: principal.name }, ['open']);
  if (!row) throw conflict('Alert changed meanwhile');
  await audit(db, principal, { action: 'alert.acknowledge', targetType: 'alert', targetId: id, departmentId: a.departmentId ?? undefined });
  announce('acknowledged', row);
  return alertView(row);
}

/** Manual resolution; a rule whose condition still holds raises a fresh alert on its next run. */
export async function resolveAlert(db: Db, principal: Principal, id: string): Promise<AlertView> {
  const a = await loadFor(db, principal, id, 'alert:resolve');
  if (a.status === 'resolved') throw conflict('Alert is already resolved');
  const row = await resolveActiveAlert(db, a, principal.name);
  if (!row) throw conflict('Alert changed meanwhile');
  await audit(db, principal, { action: 'alert.resolve', targetType: 'alert', targetId: id, departmentId: a.departmentId ?? undefined });
  return alertView(row);
}
