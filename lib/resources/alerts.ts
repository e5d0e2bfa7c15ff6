import type { Db } from '@/db/client';
import type { AlertSeverity } from '@/db/vocabulary';
import { raiseAlert } from '../alerts/raise';

export type ResourceAlertKind = 'resource_shortage' | 'capacity_limit';

/**
 * A resource alert: one active per kind, department and `key` (the pool's kind for
 * capacity_limit, the short kinds for resource_shortage), so a pool that stays full, or a queue
 * of refused requests, raises one alert, not one per check. `key` stays in detail for the
 * monitor, which resolves these alerts (lib/resources/monitor.ts).
 */
function resourceAlertKey(kind: ResourceAlertKind, departmentId: string, key: string): string {
  return `${kind}:${departmentId}:${key}`;
}

/** Raises the alert unless it is already active; answers whether it raised one. */
export async function openAlert(
  db: Db,
  a: {
    kind: ResourceAlertKind;
    key: string;
    departmentId: string;
    severity: Extract<AlertSeverity, 'warning' | 'critical'>;
    message: string;
    detail: Record<string, unknown>;
  },
): Promise<boolean> {
  const row = await raiseAlert(db, {
    kind: a.kind,
    severity: a.severity,
    departmentId: a.departmentId,
    message: a.message,
    detail: { ...a.detail, key: a.key },
    key: resourceAlertKey(a.kind, a.departmentId, a.key),
  });
  return !!row;
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
