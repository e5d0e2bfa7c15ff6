import type { Db } from '@/db/client';
import { namesOf, taskTitlesOf } from '@/db/queries/names';
import { departmentFilter, type Principal } from '../permissions/rbac';

/** id → display name, for agents and departments a page refers to. Plain objects: they cross to client components. */
export type Names = { agents: Record<string, string>; departments: Record<string, string> };

const uniq = (xs: (string | null | undefined)[]) => [...new Set(xs.filter((x): x is string => !!x))];

/**
 * The names behind the ids a page already may show (the rows were read through the principal's
 * scope), so a list says "billing-bot" and "Operations" rather than "3f2a9c1e" and "operations".
 */
export async function resolveNames(
  db: Db,
  ids: { agents?: (string | null | undefined)[]; departments?: (string | null | undefined)[] },
): Promise<Names> {
  const rows = await namesOf(db, { agents: uniq(ids.agents ?? []), departments: uniq(ids.departments ?? []) });
  return {
    agents: Object.fromEntries(rows.agents.map((r) => [r.id, r.name])),
    departments: Object.fromEntries(rows.departments.map((r) => [r.id, r.name])),
  };
}

/**
 * Title and status of related tasks (parent, dependencies) the principal may see; one in a
 * department outside their scope stays an id.
 */
export async function relatedTasks(
  db: Db,
  principal: Principal,
  ids: (string | null | undefined)[],
): Promise<Record<string, { title: string; status: string }>> {
  const rows = await taskTitlesOf(db, uniq(ids), departmentFilter(principal));
  return Object.fromEntries(rows.map((r) => [r.id, { title: r.title, status: r.status }]));
}
