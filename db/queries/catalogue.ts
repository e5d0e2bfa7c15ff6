import type { Db } from '../client';
import { runText } from '../raw';
import { departments, resourceKinds, resourcePools } from '../schema/org';

/*
 * The seed's writes: each inserts what is missing and leaves existing rows (and their edits) alone,
 * so running them at every start changes nothing the second time.
 */

export async function insertMissingResourceKinds(db: Db, kinds: (typeof resourceKinds.$inferInsert)[]): Promise<void> {
  await db.insert(resourceKinds).values(kinds).onConflictDoNothing();
}

/** Answers the departments inserted. */
export async function insertMissingDepartments(db: Db, rows: (typeof departments.$inferInsert)[]): Promise<{ id: string }[]> {
  return db.insert(departments).values(rows).onConflictDoNothing().returning({ id: departments.id });
}

/** Answers the departments whose pools were inserted, one entry per pool. */
export async function insertMissingPools(db: Db, rows: (typeof resourcePools.$inferInsert)[]): Promise<{ id: string }[]> {
  return db.insert(resourcePools).values(rows).onConflictDoNothing().returning({ id: resourcePools.departmentId });
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

/** Answers the departments extended. */
export async function extendDepartmentCatalogue(
  db: Db,
  catalogue: { id: string; specializations: string[]; capabilities: string[] }[],
): Promise<{ id: string }[]> {
  return runText<{ id: string }>(db, EXTEND_CATALOGUE, [JSON.stringify(catalogue)]);
}
