import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/db/testing/test-db';
import { audit, verifyAuditChain } from './log';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ seed: false });
});
afterAll(() => t.drop());

const actor = { kind: 'system' as const, name: 'test' };

describe('hash-chained audit log', () => {
  it('verifies an intact chain, including concurrent appends', async () => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => audit(t.db, actor, { action: 'test.write', detail: { i, nested: { b: 1, a: [1, 'x'] } } })));
    expect(await verifyAuditChain(t.db)).toEqual({ ok: true, checked: 20 });
  });

  it('names the row edited directly in the database', async () => {
    const [row] = await t.db.execute<{ id: number }>(sql`select id from audit_log order by id limit 1 offset 4`).then((r) => rowsOf<{ id: number }>(r));
    await t.db.execute(sql`update audit_log set action = 'test.forged' where id = ${row.id}`);
    const result = await verifyAuditChain(t.db);
    expect(result.ok).toBe(false);
    expect(result.firstBrokenId).toBe(Number(row.id));
    await t.db.execute(sql`update audit_log set action = 'test.write' where id = ${row.id}`);
    expect((await verifyAuditChain(t.db)).ok).toBe(true);
  });

  it('names the row deleted from the middle of the chain', async () => {
    const [row] = await t.db.execute<{ id: number }>(sql`select id from audit_log order by id limit 1 offset 9`).then((r) => rowsOf<{ id: number }>(r));
    await t.db.execute(sql`delete from audit_log where id = ${row.id}`);
    const result = await verifyAuditChain(t.db);
    expect(result.ok).toBe(false);
    expect(result.firstBrokenId).toBe(Number(row.id));
  });
});

// postgres.js returns an array, PGlite an object with rows.
function rowsOf<T>(r: unknown): T[] {
  return Array.isArray(r) ? (r as T[]) : ((r as { rows: T[] }).rows ?? []);
}
