import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { resourcePools } from '@/db/schema/org';
import { agents, tasks } from '@/db/schema/work';
import { priorities, type Priority } from '@/db/vocabulary';

/** Test rows made directly, so resource tests don't depend on the coordinator's API. */
export async function makeAgent(db: Db, departmentId: string, name = `agent-${Math.random().toString(36).slice(2, 8)}`) {
  const [row] = await db
    .insert(agents)
    .values({ departmentId, name, type: 'worker', specialization: 'general', secretHash: 'x', status: 'idle' })
    .returning();
  return row;
}

export async function makeTask(
  db: Db,
  departmentId: string,
  opts: { priority?: Priority; status?: 'pending' | 'assigned' | 'running'; agentId?: string; resources?: Record<string, number> } = {},
) {
  const priority = opts.priority ?? 'medium';
  const [row] = await db
    .insert(tasks)
    .values({
      title: 'test task',
      departmentId,
      type: 'test',
      priority,
      priorityRank: priorities.indexOf(priority),
      status: opts.status ?? 'pending',
      assignedAgentId: opts.agentId ?? null,
      requirements: opts.resources ? { resources: opts.resources } : {},
    })
    .returning();
  return row;
}

export async function setPool(
  db: Db,
  departmentId: string,
  type: string,
  p: { guaranteed?: number; maximum?: number; capacity?: number; allocated?: number },
) {
  await db
    .update(resourcePools)
    .set(p)
    .where(and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type)));
}

export async function getPool(db: Db, departmentId: string, type: string) {
  const [row] = await db
    .select()
    .from(resourcePools)
    .where(and(eq(resourcePools.departmentId, departmentId), eq(resourcePools.type, type)));
  return row;
}

/** Sum of active allocations of one kind in one department, straight from the rows. */
export async function activeUnits(db: Db, departmentId: string, type: string): Promise<number> {
  const rows = await db.execute(
    sql`select coalesce(sum((resources->>${type})::int), 0)::int as n from allocations where status = 'active' and department_id = ${departmentId}`,
  );
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as { n: number }[];
  return Number(list[0].n);
}
