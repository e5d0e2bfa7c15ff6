import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { openDb, type DbHandle } from '@/db/client';
import { rowsOf } from '@/db/rows';
import { tryChainerLease } from '@/db/queries/audit';
import { createTestDb, type TestDb } from '@/test/test-db';

let t: TestDb;
let other: DbHandle;
beforeAll(async () => {
  t = await createTestDb({ seed: false });
  other = t.url ? await openDb({ url: t.url, max: 2 }) : t;
});
afterAll(async () => {
  if (other !== t) await other.close();
  await t.drop();
});

describe('one audit chainer across processes', () => {
  it.skipIf(!process.env.DATABASE_URL)(
    'only one of two processes racing for the chainer lease gets it; the other takes over once it is released',
    async () => {
      const [a, b] = await Promise.all([tryChainerLease(t.db), tryChainerLease(other.db)]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const holder = (a ?? b)!;
      const waiting = a ? other.db : t.db;
      expect(await holder.alive()).toBe(true);
      expect(await tryChainerLease(waiting)).toBeUndefined();
      await holder.release();
      const next = await tryChainerLease(waiting);
      expect(next).toBeDefined();
      await next!.release();
    },
  );

  it.skipIf(!process.env.DATABASE_URL)(
    'holding the chainer lease blocks none of the other advisory locks (agent limit, audit chain pass, migrations)',
    async () => {
      const lease = (await tryChainerLease(t.db))!;
      try {
        const other_ = other.db;
        for (const key of [727_001, 727_002, 727_003]) {
          const taken = await other_.transaction(async (tx) => {
            const r = await tx.execute(sql`select pg_try_advisory_xact_lock(${key}) as ok`);
            return rowsOf<{ ok: boolean }>(r)[0].ok;
          });
          expect(taken, `lock ${key}`).toBe(true);
        }
      } finally {
        await lease.release();
      }
    },
  );

  it.skipIf(!!process.env.DATABASE_URL)('the embedded database has one process, which always chains', async () => {
    const lease = await tryChainerLease(t.db);
    expect(await lease?.alive()).toBe(true);
  });
});
