import type { Db } from '@/db/client';
import { activeAlertsOfKind, type AlertRow } from '@/db/queries/alerts';
import { insertSamples } from '@/db/queries/metrics';
import { poolsWithKinds } from '@/db/queries/resources';
import { resolveActiveAlert } from '../alerts/raise';
import { publishLive } from '../live';
import { openAlert } from './alerts';

export const CAPACITY_LIMIT = 0.9;

/** A reading of every pool, shared by the checks of one pass. */
export type Pools = Awaited<ReturnType<typeof poolsWithKinds>>;

/** One row per pool: `resource.utilisation.<kind>` = allocated / capacity, for the history chart. */
export async function sampleUtilisation(db: Db, at = new Date(), read?: Pools): Promise<number> {
  const pools = read ?? (await poolsWithKinds(db, null));
  if (!pools.length) return 0;
  await insertSamples(
    db,
    pools.map((p) => ({
      at,
      name: `resource.utilisation.${p.type}`,
      departmentId: p.departmentId,
      value: p.capacity ? p.allocated / p.capacity : 0,
    })),
  );
  return pools.length;
}

/**
 * Opens a `capacity_limit` alert for each pool above 90% (one open per pool), resolves it when the
 * pool falls back, and resolves `resource_shortage` alerts once their kinds have room again.
 */
export async function checkCapacityAlerts(db: Db, read?: Pools): Promise<{ opened: number; resolved: number }> {
  const pools = read ?? (await poolsWithKinds(db, null));
  let opened = 0;
  let resolved = 0;
  for (const p of pools) {
    const u = p.capacity ? p.allocated / p.capacity : 0;
    if (u > CAPACITY_LIMIT) {
      const added = await openAlert(db, {
        kind: 'capacity_limit',
        key: p.type,
        departmentId: p.departmentId,
        severity: u >= 1 ? 'critical' : 'warning',
        message: `${p.departmentId} ${p.type} at ${Math.round(u * 100)}% (${p.allocated} of ${p.capacity} ${p.unit})`,
        detail: { type: p.type, utilisation: u, allocated: p.allocated, capacity: p.capacity },
      });
      if (added) opened++;
    }
  }
  const byKey = new Map(pools.map((p) => [`${p.departmentId}\u0000${p.type}`, p]));
  const resolve = async (a: AlertRow) => {
    if (await resolveActiveAlert(db, a, 'rule')) resolved++;
  };
  for (const a of await activeAlertsOfKind(db, 'capacity_limit')) {
    const p = a.departmentId ? byKey.get(`${a.departmentId}\u0000${String(a.detail.key)}`) : undefined;
    if (a.departmentId && (!p?.capacity || p.allocated / p.capacity <= CAPACITY_LIMIT)) await resolve(a);
  }
  for (const a of await activeAlertsOfKind(db, 'resource_shortage')) {
    const shortfall = (a.detail.shortfall ?? {}) as Record<string, number>;
    const room = Object.entries(shortfall).every(([type, n]) => {
      const p = a.departmentId ? byKey.get(`${a.departmentId}\u0000${type}`) : undefined;
      return !!p && p.capacity - p.allocated >= n;
    });
    if (room && a.departmentId) await resolve(a);
  }
  if (opened || resolved) publishLive({ type: 'resource:update', scope: null, data: { alertsOpened: opened, alertsResolved: resolved } });
  return { opened, resolved };
}
