import { asc, eq, sql, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { departments, resourcePools } from '../schema/org';
import { agents, alerts, tasks } from '../schema/work';
import { recentRows } from './recent';

export type DepartmentRow = typeof departments.$inferSelect;
export type NewDepartment = typeof departments.$inferInsert;

export async function listDepartmentRows(db: Db, ids: string[] | null): Promise<DepartmentRow[]> {
  return db
    .select()
    .from(departments)
    .where(ids ? inArray(departments.id, ids) : undefined)
    .orderBy(asc(departments.name));
}

export async function findDepartment(db: Db, id: string): Promise<DepartmentRow | undefined> {
  const [row] = await db.select().from(departments).where(eq(departments.id, id)).limit(1);
  return row;
}

/**
 * Task creation reads the department (status, specializations, resource kinds) every time; a
 * one-second memory keeps that read off the hot path. Changes through this process call
 * forgetDepartment and show at once; another process's within DEPARTMENT_CACHE_MS.
 */
const DEPARTMENT_CACHE_MS = 1_000;
const recentDepartments = recentRows<DepartmentRow>(DEPARTMENT_CACHE_MS, 1_000);

export const findDepartmentCached = (db: Db, id: string) => recentDepartments.get(id, () => findDepartment(db, id));
export const forgetDepartment = (id: string) => recentDepartments.forget(id);

/** Departments that count toward MAX_DEPARTMENTS: archived ones don't. */
export async function countDepartments(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(departments).where(sql`${departments.archivedAt} is null`);
  return row.n;
}

export async function agentCountsByStatus(db: Db, departmentId: string) {
  return db
    .select({ status: agents.status, n: sql<number>`count(*)::int` })
    .from(agents)
    .where(eq(agents.departmentId, departmentId))
    .groupBy(agents.status);
}

export async function taskCountsByStatus(db: Db, departmentId: string) {
  return db
    .select({ status: tasks.status, n: sql<number>`count(*)::int` })
    .from(tasks)
    .where(eq(tasks.departmentId, departmentId))
    .groupBy(tasks.status);
}

export async function poolsOf(db: Db, departmentId: string) {
  return db.select().from(resourcePools).where(eq(resourcePools.departmentId, departmentId)).orderBy(asc(resourcePools.type));
}

export async function openAlertsOf(db: Db, departmentId: string) {
  return db
    .select()
    .from(alerts)
    .where(sql`${alerts.departmentId} = ${departmentId} and ${alerts.status} <> 'resolved'`)
    .orderBy(sql`${alerts.createdAt} desc`)
    .limit(50);
}

/** Serialises creations and un-archivings, so two can't both take the last slot under MAX_DEPARTMENTS. */
export async function lockDepartmentsTable(tx: Db): Promise<void> {
  await tx.execute(sql`lock table ${departments} in share row exclusive mode`);
}

/** Undefined when a department with that id exists. */
export async function insertDepartment(tx: Db, values: NewDepartment): Promise<DepartmentRow | undefined> {
  const [created] = await tx.insert(departments).values(values).onConflictDoNothing().returning();
  return created;
}

/** The department as it is now, read in the caller's transaction. */
export async function readDepartment(tx: Db, id: string): Promise<DepartmentRow | undefined> {
  const [row] = await tx.select().from(departments).where(eq(departments.id, id));
  return row;
}

export async function updateDepartmentRow(db: Db, id: string, patch: Partial<NewDepartment>): Promise<DepartmentRow | undefined> {
  const [row] = await db.update(departments).set(patch).where(eq(departments.id, id)).returning();
  return row;
}

/** Locks the department's row until the transaction ends; false when there is none. */
export async function lockDepartment(tx: Db, id: string): Promise<boolean> {
  const [dept] = await tx.select({ id: departments.id }).from(departments).where(eq(departments.id, id)).for('update');
  return !!dept;
}

/** Agents the department has or had, and the non-retired ones among them; tasks it ever had. */
export async function departmentHistoryCounts(tx: Db, id: string) {
  const [{ n: liveAgents }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(agents)
    .where(sql`${agents.departmentId} = ${id} and ${agents.status} <> 'retired'`);
  const [{ n: anyTasks }] = await tx.select({ n: sql<number>`count(*)::int` }).from(tasks).where(eq(tasks.departmentId, id));
  const [{ n: anyAgents }] = await tx.select({ n: sql<number>`count(*)::int` }).from(agents).where(eq(agents.departmentId, id));
  return { liveAgents, anyTasks, anyAgents };
}

/** Deletes the department and its pools. */
export async function deleteDepartmentRows(tx: Db, id: string): Promise<void> {
  await tx.delete(resourcePools).where(eq(resourcePools.departmentId, id));
  await tx.delete(departments).where(eq(departments.id, id));
}

const UNFINISHED = sql`${tasks.status} in ('pending', 'assigned', 'running')`;

/** Tasks of the department that are pending, assigned or running. */
export async function unfinishedTaskIds(db: Db, id: string): Promise<{ id: string }[]> {
  return db.select({ id: tasks.id }).from(tasks).where(sql`${tasks.departmentId} = ${id} and ${UNFINISHED}`);
}

export async function countUnfinishedTasks(tx: Db, id: string): Promise<number> {
  const [{ n }] = await tx
    .select({ n: sql<number>`count(*)::int` })
    .from(tasks)
    .where(sql`${tasks.departmentId} = ${id} and ${UNFINISHED}`);
  return n;
}

/** Agents of the department not retired. */
export async function liveAgentIds(db: Db, id: string): Promise<{ id: string }[]> {
  return db.select({ id: agents.id }).from(agents).where(sql`${agents.departmentId} = ${id} and ${agents.status} <> 'retired'`);
}
