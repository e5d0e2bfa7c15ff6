import { and, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { agents } from '../schema/work';
import { cappedCount, keyset, type Seek, type SortColumn, type SortDir } from '../table-page';

/** The agent list's sortable columns. */
export const agentSortColumns = {
  name: { expr: agents.name, cast: 'text' },
  departmentId: { expr: agents.departmentId, cast: 'text' },
  specialization: { expr: agents.specialization, cast: 'text' },
  status: { expr: agents.status, cast: 'text' },
  activeTasks: { expr: agents.activeTasks, cast: 'integer' },
  completed: { expr: agents.completedCount, cast: 'integer' },
  createdAt: { expr: agents.createdAt, cast: 'timestamptz' },
} satisfies Record<string, SortColumn>;
export type AgentSortKey = keyof typeof agentSortColumns;

export type AgentTableFilter = {
  departmentIds: string[] | null;
  departmentId?: string;
  /** Without a status, retired agents are left out. */
  status?: (typeof agents.$inferSelect)['status'];
  specialization?: string;
  q?: string;
};

function agentWhere(f: AgentTableFilter): SQL | undefined {
  const where: SQL[] = [];
  if (f.departmentIds) where.push(inArray(agents.departmentId, f.departmentIds.length ? f.departmentIds : ['']));
  if (f.departmentId) where.push(eq(agents.departmentId, f.departmentId));
  if (f.status) where.push(eq(agents.status, f.status));
  else where.push(sql`${agents.status} <> 'retired'`);
  if (f.specialization) where.push(eq(agents.specialization, f.specialization));
  if (f.q) where.push(sql`${agents.name} ilike ${`%${f.q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  return and(...where);
}

/** One page of agents in the asked order, and how many match (up to countCap + 1). */
export async function agentTablePage(
  db: Db,
  f: AgentTableFilter,
  sort: { key: AgentSortKey; dir: SortDir },
  seek: Seek | undefined,
  limit: number,
  countCap: number,
) {
  const where = agentWhere(f);
  const k = keyset(agentSortColumns[sort.key], sort.dir, { col: agents.id, cast: 'uuid' }, seek);
  const [rows, count] = await Promise.all([
    db
      .select({ ...getTableColumns(agents), sortValue: k.sortValue })
      .from(agents)
      .where(and(where, k.where))
      .orderBy(...k.orderBy)
      .limit(limit + 1),
    cappedCount(db, agents, where, countCap),
  ]);
  return { ...k.finish(rows, limit, (r) => r.id), count };
}
