import { randomBytes } from 'node:crypto';
import type { Db } from './client';
import { departments, resourceKinds, resourcePools } from './schema/org';
import { countUsers, insertUser } from './queries/users';
import { departmentCatalog, defaultPools } from '@/lib/org/catalog';
import { resourceKindCatalog } from '@/lib/resources/kinds';
import { hashPassword } from '@/lib/auth/password';

export type SeedResult = { departments: number; pools: number; admin?: { username: string; generatedPassword?: string } };

/** Idempotent: inserts what is missing and leaves existing rows (and their edits) alone. */
export async function seed(db: Db, opts: { adminUsername?: string; adminPassword?: string } = {}): Promise<SeedResult> {
  await db
    .insert(resourceKinds)
    .values(Object.entries(resourceKindCatalog).map(([type, k]) => ({ type, ...k })))
    .onConflictDoNothing();
  const depts = await db
    .insert(departments)
    .values(departmentCatalog)
    .onConflictDoNothing()
    .returning({ id: departments.id });
  const pools = await db
    .insert(resourcePools)
    .values(defaultPools().map((p) => ({ ...p, capacity: p.guaranteed })))
    .onConflictDoNothing()
    .returning({ id: resourcePools.departmentId });

  const result: SeedResult = { departments: depts.length, pools: pools.length };
  if ((await countUsers(db)) === 0) {
    const username = opts.adminUsername ?? 'admin';
    const generated = opts.adminPassword ? undefined : randomBytes(12).toString('base64url');
    const password = opts.adminPassword ?? generated!;
    await insertUser(db, { username, passwordHash: await hashPassword(password), role: 'super-admin', departmentIds: [] });
    result.admin = { username, generatedPassword: generated };
  }
  return result;
}
