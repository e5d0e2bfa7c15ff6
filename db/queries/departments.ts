import { asc, eq, sql, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { departments, resourcePools } from '../schema/org';
import { agents, alerts, tasks } from '../schema/work';
import { recentRows } from './recent';

export type DepartmentRow = typeof departments.$inferSelect;

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
