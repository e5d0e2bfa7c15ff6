import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { rowsOf } from '../rows';

/** A department's quotas and what it uses of the two the database counts. */
export type QuotaUseRow = {
  id: string;
  tpm: number | null;
  pending_cap: number | null;
  cost_cap: number | null;
  pending: number;
  cost: number;
};

/**
 * Each department's quota limits, its tasks waiting (pending or scheduled, as the cap counts
 * them) and the monthly cost of its held resources (units × cost per unit). `ids` null: every
 * department that has at least one quota.
 */
export async function quotaUseRows(db: Db, ids: string[] | null): Promise<QuotaUseRow[]> {
  const only = ids
    ? sql`d.id in (${sql.join(
        ids.map((i) => sql`${i}`),
        sql`, `,
      )})`
    : sql`(d.quota_tasks_per_minute is not null or d.quota_max_pending_tasks is not null or d.quota_max_monthly_cost is not null)`;
  return rowsOf<QuotaUseRow>(
    await db.execute(sql`select d.id, d.quota_tasks_per_minute as tpm, d.quota_max_pending_tasks as pending_cap, d.quota_max_monthly_cost as cost_cap,
        (select count(*)::int from tasks t where t.department_id = d.id and t.status in ('pending', 'scheduled')) as pending,
        (select coalesce(sum(p.allocated * k.cost_per_unit), 0)::float8 from resource_pools p join resource_kinds k on k.type = p.type where p.department_id = d.id) as cost
      from departments d where ${only} order by d.id`),
  );
}
