import { and, asc, eq, gt, ilike, inArray, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../client';
import { departments } from '../schema/org';
import { users } from '../schema/auth';
import type { Role } from '../vocabulary';
import { forgetUser, type UserRow } from './users';
import { textArray } from './sql-array';

export type UserListFilter = { departmentIds: string[] | null; q?: string; role?: Role; departmentId?: string };

/** Ordered by username; `after` is the last username of the previous page. */
export async function listUserRows(db: Db, f: UserListFilter, after: string | undefined, limit: number): Promise<UserRow[]> {
  const where: SQL[] = [];
  // A scoped admin sees the users who share at least one of its departments.
  if (f.departmentIds) where.push(sql`${users.departmentIds} && ${textArray(f.departmentIds)}`);
  if (f.departmentId) where.push(sql`${f.departmentId} = any(${users.departmentIds})`);
  if (f.q) where.push(ilike(users.username, `%${f.q.replace(/[%_\\]/g, (c) => `\\${c}`)}%`));
  if (f.role) where.push(eq(users.role, f.role));
  if (after) where.push(gt(users.username, after));
  return db
    .select()
    .from(users)
    .where(where.length ? and(...where) : undefined)
    .orderBy(asc(users.username))
    .limit(limit);
}

export async function existingDepartmentIds(db: Db, ids: string[]): Promise<string[]> {
  if (!ids.length) return [];
  const rows = await db.select({ id: departments.id }).from(departments).where(inArray(departments.id, ids));
  return rows.map((r) => r.id);
}

export async function updateUserRow(db: Db, id: string, set: Partial<typeof users.$inferInsert>): Promise<UserRow | undefined> {
  const [row] = await db
    .update(users)
    .set({ ...set, updatedAt: new Date() })
    .where(eq(users.id, id))
    .returning();
  forgetUser(id);
  return row;
}

export async function deleteUserRow(db: Db, id: string): Promise<boolean> {
  const rows = await db.delete(users).where(eq(users.id, id)).returning({ id: users.id });
  forgetUser(id);
  return rows.length > 0;
}
