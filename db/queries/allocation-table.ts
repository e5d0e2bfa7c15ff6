import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { agents, allocations } from '../schema/work';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';

/** The allocation list's sortable columns; priority from low to critical. */
export const allocationSortColumns = {
  createdAt: { expr: allocations.createdAt, cast: 'timestamptz' },
  agent: { expr: sql`coalesce(${agents.name}, '')`, cast: 'text' },
  departmentId: { expr: allocations.departmentId, cast: 'text' },
  priority: {
    expr: sql`(case ${allocations.priority} when 'low' then 0 when 'medium' then 1 when 'high' then 2 else 3 end)::int`,
    cast: 'integer',
  },
} satisfies Record<string, SortColumn>;
export type AllocationSortKey = keyof typeof allocationSortColumns;

export type AllocationTableFilter = {
  departmentIds: string[] | null;
  departmentId?: string;
  agentId?: string;
  taskId?: string;
  status?: 'active' | 'released' | 'preempted';
};

function allocationWhere(f: AllocationTableFilter): SQL | undefined {
  const where: SQL[] = [];
  if (f.departmentIds) where.push(inArray(allocations.departmentId, f.departmentIds.length ? f.departmentIds : ['']));
  if (f.departmentId) where.push(eq(allocations.departmentId, f.departmentId));
  if (f.agentId) where.push(eq(allocations.agentId, f.agentId));
  if (f.taskId) where.push(eq(allocations.taskId, f.taskId));
  if (f.status) where.push(eq(allocations.status, f.status));
  return where.length ? and(...where) : undefined;
}

/** One page of allocations (with their agent's name) in the asked order, and how many match (up to countCap + 1). */
export async function allocationTablePage(
  db: Db,
  f: AllocationTableFilter,
  sort: { key: AllocationSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where = allocationWhere(f);
  const k = keyset(allocationSortColumns[sort.key], sort.dir, { col: allocations.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(allocations), agentName: agents.name, sortValue: k.sortValue })
      .from(allocations)
      .leftJoin(agents, eq(agents.id, allocations.agentId))
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, allocations, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
