import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import {
  extendDepartmentCatalogue,
  insertMissingDepartments,
  insertMissingPools,
  insertMissingResourceKinds,
} from '../db/queries/catalogue';
import { countUsers, insertUser } from '../db/queries/users';
import { departmentCatalog, defaultPools } from '@/lib/org/catalog';
import { resourceKindCatalog } from '@/lib/org/resource-kinds';
import { hashPassword } from '@/lib/auth/password';

export type SeedResult = {
  departments: number;
  pools: number /** Existing departments given catalogue entries they lacked. */;
  extended: number;
  admin?: { username: string; generatedPassword?: string };
};

/** Idempotent: inserts what is missing and leaves existing rows (and their edits) alone. */
export async function seed(db: Db, opts: { adminUsername?: string; adminPassword?: string } = {}): Promise<SeedResult> {
  await insertMissingResourceKinds(
    db,
    Object.entries(resourceKindCatalog).map(([type, k]) => ({ type, ...k })),
  );
  const depts = await insertMissingDepartments(db, departmentCatalog);
  const pools = await insertMissingPools(
    db,
    defaultPools().map((p) => ({ ...p, capacity: p.guaranteed })),
  );
  const extended = await extendDepartmentCatalogue(
    db,
    departmentCatalog.map((d) => ({ id: d.id, specializations: d.specializations, capabilities: d.capabilities })),
  );

  const result: SeedResult = { departments: depts.length, pools: pools.length, extended: extended.length };
  if ((await countUsers(db)) === 0) {
    const username = opts.adminUsername ?? 'admin';
    const generated = opts.adminPassword ? undefined : randomBytes(12).toString('base64url');
    const password = opts.adminPassword ?? generated!;
    await insertUser(db, { username, passwordHash: await hashPassword(password), role: 'super-admin', departmentIds: [] });
    result.admin = { username, generatedPassword: generated };
  }
  return result;
}
