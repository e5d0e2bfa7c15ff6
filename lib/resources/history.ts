import type { Db } from '@/db/client';
import { utilisationHistory } from '@/db/queries/resources';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';

export type HistoryPoint = { minute: string } & Record<string, number | string>;

/** One point per minute, one field per kind (mean utilisation 0..1), for the console's history chart. */
export async function getUtilisationHistory(
  db: Db,
  principal: Principal,
  opts: { minutes?: number; departmentId?: string } = {},
): Promise<HistoryPoint[]> {
  authorize(principal, 'resource:read', opts.departmentId ? { departmentId: opts.departmentId, what: 'Department' } : undefined);
  const since = new Date(Date.now() - (opts.minutes ?? 60) * 60_000);
  const rows = await utilisationHistory(db, departmentFilter(principal), since, opts.departmentId);
  const byMinute = new Map<string, HistoryPoint>();
  for (const r of rows) {
    const p = byMinute.get(r.minute) ?? { minute: r.minute };
    p[r.type] = Math.round(Number(r.value) * 1000) / 1000;
    byMinute.set(r.minute, p);
  }
  return [...byMinute.values()];
}
