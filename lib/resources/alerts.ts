import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { alerts } from '@/db/schema/work';
import { publishLive } from '../live';
import { queueAlertEvent } from '../alerts/webhook';

type AlertKind = 'resource_shortage' | 'capacity_limit';

/**
 * Opens an alert unless one of the same kind, department and key is already open, so a pool that
 * stays full (or a queue of refused requests) raises one alert, not one per check.
 */
export async function openAlert(
  db: Db,
  a: {
    kind: AlertKind;
    key: string;
    departmentId: string;
    severity: 'warning' | 'critical';
    message: string;
    detail: Record<string, unknown>;
  },
): Promise<boolean> {
  const [existing] = await db
    .select({ id: alerts.id })
    .from(alerts)
    .where(
      and(
        eq(alerts.kind, a.kind),
        eq(alerts.departmentId, a.departmentId),
        sql`${alerts.status} <> 'resolved' and ${alerts.detail}->>'key' = ${a.key}`,
      ),
    )
    .limit(1);
  if (existing) return false;
  const row = await db.transaction(async (tx) => {
    const [r] = await tx
      .insert(alerts)
      .values({ kind: a.kind, severity: a.severity, departmentId: a.departmentId, message: a.message, detail: { ...a.detail, key: a.key } })
      .returning();
    await queueAlertEvent(tx, 'raised', r);
    return r;
  });
  publishLive({ type: 'alert', scope: a.departmentId, data: { ...row, createdAt: row.createdAt.toISOString() } });
  return true;
}

/** Resolves the open alerts of that kind, department and key; answers how many. */
export async function resolveAlerts(db: Db, kind: AlertKind, departmentId: string, key: string): Promise<number> {
  const rows = await db.transaction(async (tx) => {
    const done = await tx
      .update(alerts)
      .set({ status: 'resolved', resolvedAt: new Date() })
      .where(
        and(
          eq(alerts.kind, kind),
          eq(alerts.departmentId, departmentId),
          sql`${alerts.status} <> 'resolved' and ${alerts.detail}->>'key' = ${key}`,
        ),
      )
      .returning();
    for (const r of done) await queueAlertEvent(tx, 'resolved', r);
    return done;
  });
  for (const r of rows) publishLive({ type: 'alert', scope: departmentId, data: { id: r.id, kind, status: 'resolved' } });
  return rows.length;
}

export async function openAlertsOfKind(db: Db, kind: AlertKind) {
  return db
    .select()
    .from(alerts)
    .where(and(eq(alerts.kind, kind), sql`${alerts.status} <> 'resolved'`));
}

/** A request waited or failed for lack of capacity: one open alert per department and kind set. */
export function raiseShortage(db: Db, departmentId: string, shortfall: Record<string, number>, waited: boolean) {
  const kinds = Object.keys(shortfall).sort();
  return openAlert(db, {
    kind: 'resource_shortage',
    key: kinds.join(','),
    departmentId,
    severity: 'warning',
    message: `${departmentId}: a request ${waited ? 'waits' : 'failed'} for lack of ${kinds.map((k) => `${k} (short ${shortfall[k]})`).join(', ')}`,
    detail: { shortfall, waited },
  });
}
