import type { Db } from '@/db/client';
import { quotaUseRows } from '@/db/queries/quotas';
import { used } from './limiter';
import { tasksKey } from './tasks';

export type QuotaUse = { used: number; limit: number | null };
export type DepartmentQuotaUse = { departmentId: string; tasksPerMinute: QuotaUse; maxPendingTasks: QuotaUse; maxMonthlyCost: QuotaUse };

/**
 * What each department uses of its quotas now: tasks created this minute (from the shared
 * counter), tasks waiting (pending or scheduled, as the cap counts them) and the monthly cost of
 * its held resources (units × cost per unit, as the cap and lib/resources count it).
 * `ids` null: every department that has at least one quota.
 */
export async function departmentQuotaUse(
  db: Db,
  ids: string[] | null = null,
  opts: { rates?: boolean } = {},
): Promise<DepartmentQuotaUse[]> {
  if (ids && ids.length === 0) return [];
  const rows = await quotaUseRows(db, ids);
  return Promise.all(
    rows.map(async (r) => ({
      departmentId: r.id,
      tasksPerMinute: {
        used: r.tpm && opts.rates !== false ? await used(db, tasksKey(r.id), { points: r.tpm, durationSec: 60 }) : 0,
        limit: r.tpm,
      },
      maxPendingTasks: { used: Number(r.pending), limit: r.pending_cap },
      maxMonthlyCost: { used: Math.round(Number(r.cost) * 100) / 100, limit: r.cost_cap === null ? null : Number(r.cost_cap) },
    })),
  );
}
