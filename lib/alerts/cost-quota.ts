import type { Db } from '@/db/client';
import type { Firing } from './rules';
import { departmentQuotaUse } from '../quotas/usage';

/** Share of maxMonthlyCost at which the department is warned. */
export const COST_WARNING_SHARE = 0.8;

/**
 * A department whose held resources cost 80% or more of its maxMonthlyCost. The rule key names
 * the month (UTC) and the firing is `once`: the alerts engine raises it at most once per
 * department and month, whoever evaluates and however often (a unique index, migration 0012),
 * even after it was resolved or the cost dipped and rose again.
 */
export async function costQuotaFirings(db: Db, now: number): Promise<Firing[]> {
  const month = new Date(now).toISOString().slice(0, 7);
  const out: Firing[] = [];
  for (const q of await departmentQuotaUse(db, null, { rates: false })) {
    const { used, limit } = q.maxMonthlyCost;
    if (limit === null || limit <= 0 || used < limit * COST_WARNING_SHARE) continue;
    const share = used / limit;
    out.push({
      key: `quota-cost:${q.departmentId}:${month}`,
      kind: 'quota_cost',
      severity: share >= 1 ? 'critical' : 'warning',
      departmentId: q.departmentId,
      message: `${q.departmentId} uses ${Math.round(share * 100)}% of its monthly cost quota (${used} of ${limit})${share >= 1 ? ': new tasks are refused' : ''}`,
      detail: { quota: 'maxMonthlyCost', used, limit, month },
      sustainMs: 0,
      once: true,
    });
  }
  return out;
}
