import { and, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { beforeCursor, cursorTime } from '../keyset';
import { agents, tasks } from '../schema/work';
import type { AgentStatus } from '../vocabulary';
import type { TaskRow } from './tasks';

export type AgentRow = typeof agents.$inferSelect;
export type NewAgent = typeof agents.$inferInsert;

// Serialises agent creation system-wide, so the department and system limits hold under concurrency.
const AGENT_LIMIT_LOCK = 727_003;

/** Until the transaction ends, agent creations go one at a time. */
export async function lockAgentCreation(tx: Db): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${AGENT_LIMIT_LOCK})`);
}

/** Non-retired agents in one department and in the whole system. */
export async function liveAgentCounts(tx: Db, departmentId: string): Promise<{ inDept: number; inSystem: number }> {
  const [row] = await tx
    .select({
      inDept: sql<number>`count(*) filter (where ${agents.departmentId} = ${departmentId})::int`,
      inSystem: sql<number>`count(*)::int`,
    })
    .from(agents)
    .where(sql`${agents.status} <> 'retired'`);
  return row;
}

export async function insertAgent(tx: Db, values: NewAgent): Promise<AgentRow> {
  const [created] = await tx.insert(agents).values(values).returning();
  return created;
}

export type AgentFilter = {
  /** Departments the caller sees; null: all. */
  departmentIds: string[] | null;
  departmentId?: string;
  /** Without a status, retired agents are left out. */
  status?: AgentStatus;
  specialization?: string;
  /** Part of the name, matched literally and case-insensitively. */
  nameContains?: string;
  cursor?: { at: string; id: string };
  limit: number;
};

/** Newest first, keyset-paged on (created_at, id); `cursorAt` is created_at to the microsecond (lib/paging/cursor.ts). */
export async function listAgentRows(db: Db, f: AgentFilter): Promise<(AgentRow & { cursorAt: string })[]> {
  const where: SQL[] = [];
  if (f.departmentIds) where.push(inArray(agents.departmentId, f.departmentIds));
  if (f.departmentId) where.push(eq(agents.departmentId, f.departmentId));
  if (f.status) where.push(eq(agents.status, f.status));
  else where.push(sql`${agents.status} <> 'retired'`);
  if (f.specialization) where.push(eq(agents.specialization, f.specialization));
  if (f.nameContains) where.push(sql`${agents.name} ilike ${`%${f.nameContains.replace(/[\\%_]/g, (c) => `\\${c}`)}%`}`);
  if (f.cursor) where.push(beforeCursor(agents.createdAt, agents.id, f.cursor));
  return db
    .select({ ...getTableColumns(agents), cursorAt: cursorTime(agents.createdAt) })
    .from(agents)
    .where(and(...where))
    .orderBy(desc(agents.createdAt), desc(agents.id))
    .limit(f.limit);
}

export async function findAgent(db: Db, id: string): Promise<AgentRow | undefined> {
  const [row] = await db.select().from(agents).where(eq(agents.id, id)).limit(1);
  return row;
}

/** The tasks the agent holds now (assigned or running), latest hand-out first. */
export async function currentTasksOf(db: Db, agentId: string): Promise<TaskRow[]> {
  return db
    .select()
    .from(tasks)
    .where(and(eq(tasks.assignedAgentId, agentId), sql`${tasks.status} in ('assigned', 'running')`))
    .orderBy(desc(tasks.assignedAt))
    .limit(200);
}

/**
 * Changes an agent's settings. `drain`: true stops it taking work (draining), false takes it back
 * to idle or busy as its active tasks say; undefined leaves the status.
 */
export async function updateAgentRow(
  db: Db,
  id: string,
  patch: Partial<Pick<NewAgent, 'name' | 'capabilities' | 'maxConcurrentTasks' | 'weight' | 'resources'>>,
  drain?: boolean,
): Promise<AgentRow> {
  const [row] = await db
    .update(agents)
    .set({
      ...patch,
      ...(drain === true ? { status: 'draining' as const } : {}),
      ...(drain === false ? { status: sql`case when ${agents.activeTasks} > 0 then 'busy' else 'idle' end` } : {}),
    })
    .where(eq(agents.id, id))
    .returning();
  return row;
}

export async function markAgentRetired(db: Db, id: string): Promise<void> {
  await db.update(agents).set({ status: 'retired', retiredAt: new Date() }).where(eq(agents.id, id));
}

/** A new secret; the credential version moves on, which ends every token of the old one. */
export async function replaceAgentSecret(db: Db, id: string, secretHash: string): Promise<void> {
  await db
    .update(agents)
    .set({ secretHash, credentialVersion: sql`${agents.credentialVersion} + 1` })
    .where(eq(agents.id, id));
}

/** An agent's department and status: whom a message to it reaches. */
export async function agentDepartment(db: Db, id: string) {
  const [row] = await db
    .select({ departmentId: agents.departmentId, status: agents.status })
    .from(agents)
    .where(eq(agents.id, id))
    .limit(1);
  return row;
}

/** Agents of a department online somewhere (idle, busy or draining), as message recipients see them. */
export async function onlineMembers(db: Db, departmentId: string) {
  return db
    .select({
      id: agents.id,
      departmentId: agents.departmentId,
      specialization: agents.specialization,
      capabilities: agents.capabilities,
      activeTasks: agents.activeTasks,
      maxConcurrentTasks: agents.maxConcurrentTasks,
      weight: agents.weight,
    })
    .from(agents)
    .where(and(eq(agents.departmentId, departmentId), inArray(agents.status, ['idle', 'busy', 'draining'])));
}
