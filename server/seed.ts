import { randomBytes } from 'node:crypto';
import type { Db } from '../db/client';
import { departments, resourceKinds, resourcePools } from '../db/schema/org';
import { countUsers, insertUser } from '../db/queries/users';
import { departmentCatalog, defaultPools } from '@/lib/org/catalog';
import { resourceKindCatalog } from '@/lib/org/resource-kinds';
import { hashPassword } from '@/lib/auth/password';
import { runText } from '../db/raw';

export type SeedResult = {
  departments: number;
  pools: number /** Existing departments given catalogue entries they lacked. */;
  extended: number;
  admin?: { username: string; generatedPassword?: string };
};

/** Idempotent: inserts what is missing and leaves existing rows (and their edits) alone. */
export async function seed(db: Db, opts: { adminUsername?: string; adminPassword?: string } = {}): Promise<SeedResult> {
  await db
    .insert(resourceKinds)
    .values(Object.entries(resourceKindCatalog).map(([type, k]) => ({ type, ...k })))
    .onConflictDoNothing();
  const depts = await db.insert(departments).values(departmentCatalog).onConflictDoNothing().returning({ id: departments.id });
  const pools = await db
    .insert(resourcePools)
    .values(defaultPools().map((p) => ({ ...p, capacity: p.guaranteed })))
    .onConflictDoNothing()
    .returning({ id: resourcePools.departmentId });

  const extended = await runText<{ id: string }>(db, EXTEND_CATALOGUE, [
    JSON.stringify(departmentCatalog.map((d) => ({ id: d.id, specializations: d.specializations, capabilities: d.capabilities }))),
  ]);

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

/**
 * Departments seeded by an older catalogue get the specializations and capabilities it lacked,
 * appended in catalogue order; what they have (edits included) stays, and a department that has
 * them all is not written, so a second start changes nothing.
 */
const EXTEND_CATALOGUE = `
  with catalogue as (
    select * from jsonb_to_recordset($1::jsonb) as c(id text, specializations text[], capabilities text[])
  )
  update departments d set
    specializations = d.specializations
      || array(select x from unnest(c.specializations) with ordinality as u(x, i) where x <> all(d.specializations) order by i),
    capabilities = d.capabilities
      || array(select x from unnest(c.capabilities) with ordinality as u(x, i) where x <> all(d.capabilities) order by i),
    updated_at = now()
  from catalogue c
  where d.id = c.id and not (d.specializations @> c.specializations and d.capabilities @> c.capabilities)
  returning d.id`;
