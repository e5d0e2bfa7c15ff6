import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { rowsOf } from '@/db/rows';
import { createTestDb, type TestDb } from '@/test/test-db';
import { closeWorkerPool } from '@/server/workers/pool';
import { verifyAuditChainInPool } from '@/server/workers/verify-audit';
import { GENESIS_HASH, legacyHash } from './chain';
import { chainPending } from './chain-writer';
import { audit } from './log';
import { freshAuditLog } from '../../test/fresh-audit-log';

/**
 * Attacks by someone who can write the database but doesn't hold AUTH_SECRET, done with raw SQL
 * as they would. Each must be named in verify's answer; none may be "repaired" by the chainer.
 */
const actor = { kind: 'system' as const, name: 'test' };
let t: TestDb;

beforeAll(async () => {
  t = await createTestDb({ seed: false });
});
// Each case starts a new history: no rows, no checkpoint.
beforeEach(() => freshAuditLog(t.db));
afterAll(async () => {
  await closeWorkerPool();
  await t.drop();
});

async function logWith(n: number): Promise<TestDb> {
  for (let i = 0; i < n; i++) await audit(t.db, actor, { action: 'test.write', targetId: String(i), detail: { i } });
  await chainPending(t.db, Date.now() + 10_000);
  return t;
}

async function ids(db: TestDb, where: string): Promise<{ id: number; hash: string | null }[]> {
  const rows = await db.db.execute(sql.raw(`select id::int as id, hash from audit_log where ${where} order by id`));
  return rowsOf<{ id: number; hash: string | null }>(rows);
}

const kinds = (r: { problems: { kind: string; id: number }[] }) => r.problems.map((p) => `${p.kind}@${p.id}`);

describe('audit chain tampering by a database-level attacker', () => {
  it('a row edited and its hashes nulled from there on is named, and the chainer never re-chains it', async () => {
    t = await logWith(30);
    expect(await verifyAuditChainInPool(t.db)).toMatchObject({ ok: true, checked: 30, pending: 0, problems: [] });
    const rows = await ids(t, 'true');
    const edited = rows[9].id;
    const last = rows[29].id;
    await t.db.execute(sql`update audit_log set action = 'test.forged' where id = ${edited}`);
    await t.db.execute(sql`update audit_log set hash = null, prev_hash = null where id >= ${edited}`);

    await chainPending(t.db, Date.now() + 10_000);
    expect((await ids(t, `id >= ${edited}`)).every((r) => r.hash === null)).toBe(true);
    const found = await verifyAuditChainInPool(t.db);
    expect(found.ok).toBe(false);
    expect(kinds(found)).toEqual(expect.arrayContaining([`unchained-forged-row@${edited}`, `hashes-removed@${last}`]));

    // New rows are chained on from the signed head; the nulled ones stay out and stay named.
    await audit(t.db, actor, { action: 'test.after' });
    await chainPending(t.db, Date.now() + 10_000);
    expect((await ids(t, `id > ${last}`))[0].hash).not.toBeNull();
    expect((await ids(t, `id >= ${edited} and id <= ${last}`)).every((r) => r.hash === null)).toBe(true);
    const later = await verifyAuditChainInPool(t.db);
    expect(later.ok).toBe(false);
    expect(kinds(later)).toEqual(expect.arrayContaining([`unchained-forged-row@${edited}`, `unchained-row@${edited}`]));
  });

  it('deleting the newest rows is named as truncation by the signed checkpoint', async () => {
    t = await logWith(20);
    const rows = await ids(t, 'true');
    await t.db.execute(sql`delete from audit_log where id > ${rows[14].id}`);
    const found = await verifyAuditChainInPool(t.db);
    expect(found.ok).toBe(false);
    expect(found.problems[0]).toMatchObject({ kind: 'truncated', id: rows[19].id });
    expect(found.checkpoint).toMatchObject({ lastId: rows[19].id });

    // Writing on past the hole doesn't hide it: the next row links to the deleted head.
    await audit(t.db, actor, { action: 'test.after' });
    await chainPending(t.db, Date.now() + 10_000);
    const later = await verifyAuditChainInPool(t.db);
    expect(later.ok).toBe(false);
    expect(kinds(later)).toContain(`deleted-rows@${rows[15].id}`);
  });

  it('a forged row appended without a hash is never chained and is named; the chain goes on past it', async () => {
    t = await logWith(5);
    const forge = (mac: string | null) =>
      t.db.execute(sql`insert into audit_log (at, actor_type, actor_name, action, outcome, detail, mac)
        values (now(), 'user', 'admin', 'user.role-change', 'success', '{"to":"super-admin"}', ${mac}) returning id::int as id`);
    const [noMac] = rowsOf<{ id: number }>(await forge(null));
    const [madeUp] = rowsOf<{ id: number }>(await forge(`v1.AAAAAAAAAAAAAAAA.${'x'.repeat(43)}`));
    await chainPending(t.db, Date.now() + 10_000);
    expect(await ids(t, `id in (${noMac.id}, ${madeUp.id})`)).toEqual([
      { id: noMac.id, hash: null },
      { id: madeUp.id, hash: null },
    ]);
    const found = await verifyAuditChainInPool(t.db);
    expect(found.ok).toBe(false);
    expect(kinds(found)).toEqual([`unchained-forged-row@${noMac.id}`, `unchained-forged-row@${madeUp.id}`]);

    await audit(t.db, actor, { action: 'test.after' });
    await chainPending(t.db, Date.now() + 10_000);
    const [after] = await ids(t, `id > ${madeUp.id}`);
    expect(after.hash).not.toBeNull();
    expect(kinds(await verifyAuditChainInPool(t.db))).toEqual(
      expect.arrayContaining([`unchained-forged-row@${noMac.id}`, `unchained-forged-row@${madeUp.id}`, `unchained-row@${noMac.id}`]),
    );
  });

  it('an edited row that keeps its hashes fails its MAC', async () => {
    t = await logWith(8);
    const row = (await ids(t, 'true'))[3];
    await t.db.execute(sql`update audit_log set detail = '{"i": 99}' where id = ${row.id}`);
    const found = await verifyAuditChainInPool(t.db);
    expect(found).toMatchObject({ ok: false, firstBrokenId: row.id });
    expect(found.problems[0].kind).toBe('mac-mismatch');
  });

  it('a copy of a real row (a replay) is refused by the database, and named if the index is dropped', async () => {
    t = await logWith(3);
    const copy = sql`insert into audit_log (at, actor_type, actor_name, action, outcome, detail, mac)
      select at, actor_type, actor_name, action, outcome, detail, mac from audit_log order by id limit 1`;
    await expect(t.db.execute(copy)).rejects.toThrow();
    await t.db.execute(sql`drop index audit_mac`);
    await t.db.execute(copy);
    const [replayed] = await ids(t, 'id = (select max(id) from audit_log)');
    await chainPending(t.db, Date.now() + 10_000);
    expect(kinds(await verifyAuditChainInPool(t.db))).toContain(`replayed-row@${replayed.id}`);
  });

  it('rows from before row MACs verify as legacy, and the keyed rows after them pin them down', async () => {
    // What a server before row MACs left: content chained with unkeyed hashes, no MAC.
    let prev = GENESIS_HASH;
    for (let i = 1; i <= 4; i++) {
      const fields = {
        at: new Date(Date.UTC(2026, 0, i)),
        actorType: 'system',
        actorId: null,
        actorName: 'old',
        action: 'test.old',
        targetType: null,
        targetId: null,
        departmentId: null,
        ip: null,
        outcome: 'success' as const,
        detail: { i },
      };
      const hash = legacyHash(prev, fields);
      await t.db.execute(sql`insert into audit_log (at, actor_type, actor_name, action, outcome, detail, prev_hash, hash)
        values (${fields.at.toISOString()}, 'system', 'old', 'test.old', 'success', ${JSON.stringify(fields.detail)}::jsonb, ${prev}, ${hash})`);
      prev = hash;
    }
    await audit(t.db, actor, { action: 'test.new' });
    await chainPending(t.db, Date.now() + 10_000);
    expect(await verifyAuditChainInPool(t.db)).toMatchObject({ ok: true, legacy: 4, checked: 5, problems: [] });

    // Rewriting a legacy row and redoing the unkeyed hashes after it still breaks at the first keyed row.
    await t.db.execute(sql`update audit_log set detail = '{"i": 42}' where id = 2`);
    const rows = rowsOf<{ id: number; at: Date | string; detail: Record<string, unknown> }>(
      await t.db.execute(sql`select id::int as id, at, detail from audit_log where mac is null order by id`),
    );
    prev = GENESIS_HASH;
    for (const r of rows) {
      const hash = legacyHash(prev, {
        at: new Date(r.at),
        actorType: 'system',
        actorId: null,
        actorName: 'old',
        action: 'test.old',
        targetType: null,
        targetId: null,
        departmentId: null,
        ip: null,
        outcome: 'success',
        detail: r.detail,
      });
      await t.db.execute(sql`update audit_log set prev_hash = ${prev}, hash = ${hash} where id = ${r.id}`);
      prev = hash;
    }
    expect(kinds(await verifyAuditChainInPool(t.db))).toEqual(['broken-link@5']);
  });
});

describe('a clean log', () => {
  it('1,000 audit writes in parallel chain and verify intact', { timeout: 120_000 }, async () => {
    await Promise.all(
      Array.from({ length: 1000 }, (_, i) => audit(t.db, actor, { action: 'test.parallel', detail: { i, nested: { b: 1, a: [i, 'x'] } } })),
    );
    await chainPending(t.db, Date.now() + 10_000);
    expect(await verifyAuditChainInPool(t.db)).toMatchObject({ ok: true, checked: 1000, pending: 0, legacy: 0, problems: [] });
  });
});
