import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from './testing/test-db';
import { seed } from './seed';
import { departments, resourcePools } from './schema/org';
import { users } from './schema/auth';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

describe('seed', () => {
  it('creates the ten departments with their agent limits and a pool per kind', async () => {
    const rows = await t.db.select({ id: departments.id, maxAgents: departments.maxAgents }).from(departments);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.maxAgents]))).toEqual({
      engineering: 100, marketing: 60, sales: 80, finance: 40, hr: 30, operations: 70, research: 50, legal: 25, it: 60, analytics: 45,
    });
    const [eng] = await t.db.select().from(resourcePools).where(sql`department_id = 'engineering' and type = 'compute'`);
    expect(eng).toMatchObject({ guaranteed: 400, maximum: 800, capacity: 400, allocated: 0 });
    const sales = await t.db.select().from(resourcePools).where(sql`department_id = 'sales' and type = 'compute'`);
    expect(sales).toHaveLength(0);
  });

  it('changes nothing when run again, and keeps edits', async () => {
    await t.db.update(departments).set({ name: 'Eng (renamed)' }).where(sql`id = 'engineering'`);
    const again = await seed(t.db, { adminUsername: 'admin', adminPassword: 'another-password-2' });
    expect(again).toEqual({ departments: 0, pools: 0 });
    const [eng] = await t.db.select().from(departments).where(sql`id = 'engineering'`);
    expect(eng.name).toBe('Eng (renamed)');
    const [{ n }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(n).toBe(1);
  });
});
