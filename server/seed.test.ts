import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '../test/test-db';
import { seed } from './seed';
import { departments, resourcePools } from '../db/schema/org';
import { users } from '../db/schema/auth';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

describe('seed', () => {
  it('creates the ten departments with their agent limits and a pool per kind', async () => {
    const rows = await t.db.select({ id: departments.id, maxAgents: departments.maxAgents }).from(departments);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.maxAgents]))).toEqual({
      engineering: 100,
      marketing: 60,
      sales: 80,
      finance: 40,
      hr: 30,
      operations: 70,
      research: 50,
      legal: 25,
      it: 60,
      analytics: 45,
    });
    const [eng] = await t.db.select().from(resourcePools).where(sql`department_id = 'engineering' and type = 'compute'`);
    expect(eng).toMatchObject({ guaranteed: 400, maximum: 800, capacity: 400, allocated: 0 });
    const sales = await t.db.select().from(resourcePools).where(sql`department_id = 'sales' and type = 'compute'`);
    expect(sales).toHaveLength(0);
  });

  it('changes nothing when run again, and keeps edits', async () => {
    await t.db.update(departments).set({ name: 'Eng (renamed)' }).where(sql`id = 'engineering'`);
    const again = await seed(t.db, { adminUsername: 'admin', adminPassword: 'another-password-2' });
    expect(again).toEqual({ departments: 0, pools: 0, extended: 0 });
    const [eng] = await t.db.select().from(departments).where(sql`id = 'engineering'`);
    expect(eng.name).toBe('Eng (renamed)');
    const [{ n }] = await t.db.select({ n: sql<number>`count(*)::int` }).from(users);
    expect(n).toBe(1);
  });

  it("lists at least the design's specializations and capabilities, as kebab-case ids", async () => {
    const rows = await t.db.select().from(departments);
    const by = Object.fromEntries(rows.map((r) => [r.id, r]));
    expect(by.engineering.specializations).toEqual(
      expect.arrayContaining(['full-stack', 'backend', 'frontend', 'devops', 'testing', 'qa']),
    );
    expect(by.engineering.capabilities).toEqual(expect.arrayContaining(['code-analysis', 'system-design', 'testing', 'deployment']));
    expect(by.marketing.specializations).toEqual(expect.arrayContaining(['content', 'seo', 'social-media', 'campaigns', 'analytics']));
    expect(by.sales.specializations).toEqual(
      expect.arrayContaining(['lead-generation', 'customer-relations', 'negotiation', 'forecasting']),
    );
    expect(by.analytics.specializations).toEqual(
      expect.arrayContaining(['data-analysis', 'reporting', 'machine-learning', 'visualization']),
    );
    expect(by.analytics.capabilities).toEqual(expect.arrayContaining(['data-warehouse', 'analytics-tools']));
    for (const r of rows) for (const id of [...r.specializations, ...r.capabilities]) expect(id).toMatch(/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/);
  });

  it('gives a department seeded by an older catalogue what it lacks, keeping its own entries, once', async () => {
    await t.db
      .update(departments)
      .set({ specializations: ['backend', 'qa', 'our-own'], capabilities: ['testing'] })
      .where(sql`id = 'engineering'`);
    const first = await seed(t.db);
    expect(first.extended).toBe(1);
    const [eng] = await t.db.select().from(departments).where(sql`id = 'engineering'`);
    expect(eng.specializations.slice(0, 3)).toEqual(['backend', 'qa', 'our-own']);
    expect(eng.specializations).toEqual(expect.arrayContaining(['full-stack', 'testing', 'frontend']));
    expect(new Set(eng.specializations).size).toBe(eng.specializations.length);
    expect(eng.capabilities).toEqual(expect.arrayContaining(['testing', 'code-analysis', 'system-design']));
    expect((await seed(t.db)).extended).toBe(0);
  });
});
