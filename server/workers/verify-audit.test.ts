import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/db/testing/test-db';
import { auditLog } from '@/db/schema/auth';
import { audit, verifyAuditChain } from '@/lib/audit/log';
import { closeWorkerPool } from './pool';
import { verifyAuditChainInPool } from './verify-audit';

let t: TestDb;
const actor = { kind: 'system' as const, name: 'test' };

beforeAll(async () => {
  t = await createTestDb();
  // More than two pages, so batches are checked in several threads and their seams matter.
  for (let i = 0; i < 4500; i++) await audit(t.db, actor, { action: 'test.write', targetId: String(i), detail: { i, nested: { b: 1, a: [i] } } });
}, 120_000);

afterAll(async () => {
  await closeWorkerPool();
  await t.drop();
});

describe('audit chain verification in the worker pool', () => {
  it('agrees with the single-threaded check on an intact chain', async () => {
    const inPool = await verifyAuditChainInPool(t.db);
    expect(inPool).toEqual(await verifyAuditChain(t.db));
    expect(inPool.ok).toBe(true);
    expect(inPool.checked).toBeGreaterThanOrEqual(4500);
  });

  it('finds an edited row in a later batch, like the single-threaded check', async () => {
    const [row] = await t.db.select({ id: auditLog.id }).from(auditLog).where(eq(auditLog.targetId, '3100'));
    await t.db.update(auditLog).set({ detail: { i: 9999 } }).where(eq(auditLog.id, row.id));
    const inPool = await verifyAuditChainInPool(t.db);
    expect(inPool).toMatchObject({ ok: false, firstBrokenId: row.id, reason: 'row content does not match its hash' });
    expect(inPool).toEqual(await verifyAuditChain(t.db));
  });

  it('finds deleted rows at a batch seam', async () => {
    const [{ id }] = await t.db.select({ id: sql<number>`min(id)::int + 2000` }).from(auditLog);
    await t.db.delete(auditLog).where(eq(auditLog.id, id));
    const single = await verifyAuditChain(t.db);
    const inPool = await verifyAuditChainInPool(t.db);
    expect(inPool).toEqual(single);
    expect(inPool.ok).toBe(false);
  });
});
