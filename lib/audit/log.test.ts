import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { rowsOf } from '@/db/rows';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { closeWorkerPool } from '@/server/workers/pool';
import { verifyAuditChainInPool } from '@/server/workers/verify-audit';
import { audit } from './log';
import { chainPending } from './chain-writer';
import { freshAuditLog } from '../../test/fresh-audit-log';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ seed: false });
});
afterAll(async () => {
  await closeWorkerPool();
  await t.drop();
});

const actor = { kind: 'system' as const, name: 'test' };

describe('keyed, hash-chained audit log', () => {
  it('verifies an intact chain, including concurrent appends', async () => {
    await Promise.all(
      Array.from({ length: 20 }, (_, i) => audit(t.db, actor, { action: 'test.write', detail: { i, nested: { b: 1, a: [1, 'x'] } } })),
    );
    expect(await verifyAuditChainInPool(t.db)).toMatchObject({ ok: true, checked: 20, pending: 0, problems: [] });
  });

  it('every row carries its MAC from the insert on, before it is chained', async () => {
    const row = await audit(t.db, actor, { action: 'test.mac' });
    expect(row.mac).toMatch(/^v1\.[\w-]{16}\.[\w-]{43}$/);
  });

  it('names the rows deleted from the middle of the chain', async () => {
    const [row] = await t.db
      .execute<{ id: number }>(sql`select id::int as id from audit_log order by id limit 1 offset 9`)
      .then((r) => rowsOf<{ id: number }>(r));
    await t.db.execute(sql`delete from audit_log where id = ${row.id}`);
    const result = await verifyAuditChainInPool(t.db);
    expect(result.ok).toBe(false);
    expect(result.problems[0]).toMatchObject({ kind: 'deleted-rows', id: row.id });
    expect(result.firstBrokenId).toBe(row.id);
  });
});

describe('chaining after the write', () => {
  it('chains rows written inside a transaction that commits, and never those of one that rolls back', async () => {
    await freshAuditLog(t.db);
    const fresh = t;
    {
      await fresh.db.transaction(async (tx) => {
        await audit(tx, actor, { action: 'kept' });
      });
      await fresh.db
        .transaction(async (tx) => {
          await audit(tx, actor, { action: 'rolled-back' });
          throw new Error('abort');
        })
        .catch(() => {});
      await audit(fresh.db, actor, { action: 'after' });
      // The rolled-back write left a gap in the ids: the chainer waits for it, then passes it by.
      expect(await verifyAuditChainInPool(fresh.db)).toMatchObject({ ok: true, checked: 1, pending: 1 });
      await chainPending(fresh.db, Date.now() + 10_000);
      const result = await verifyAuditChainInPool(fresh.db);
      expect(result).toMatchObject({ ok: true, pending: 0 });
      expect(result.checked).toBe(2);
    }
  });
});
