import { sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { used } from './limiter';
import { tasksKey } from './tasks';

export type QuotaUse = { used: number; limit: number | null };
export type DepartmentQuotaUse = { departmentId: string; tasksPerMinute: QuotaUse; maxPendingTasks: QuotaUse; maxMonthlyCost: QuotaUse };

type Row = { id: string; tpm: number | null; pending_cap: number | null; cost_cap: number | null; pending: number; cost: number };

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
  const only = ids
    ? sql`d.id in (${sql.join(
        ids.map((i) => sql`${i}`),
        sql`, `,
      )})`
    : sql`(d.quota_tasks_per_minute is not null or d.quota_max_pending_tasks is not null or d.quota_max_monthly_cost is not null)`;
  const rows = rowsOf<Row>(
    await db.execute(sql`select d.id, d.quota_tasks_per_minute as tpm, d.quota_max_pending_tasks as pending_cap, d.quota_max_monthly_cost as cost_cap,
        (select count(*)::int from tasks t where t.department_id = d.id and t.status in ('pending', 'scheduled')) as pending,
        (select coalesce(sum(p.allocated * k.cost_per_unit), 0)::float8 from resource_pools p join resource_kinds k on k.type = p.type where p.department_id = d.id) as cost
      from departments d where ${only} order by d.id`),
  );
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
