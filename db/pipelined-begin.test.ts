import postgres from 'postgres';
import { afterAll, describe, expect, it } from 'vitest';

// postgres.js 3.4.x could send BEGIN on a pooled connection without reserving it (upstream
// porsager/postgres#1189, #823): when BEGIN filled the connection's pipeline, or its write met
// back-pressure, the hook that reserves the connection was skipped. The transaction failed with
// UNSAFE_TRANSACTION or a TypeError (a 500 here), and its BEGIN stayed open on the server with the
// connection back in the pool: every query pipelined onto it afterwards ran inside that open
// transaction, invisible to others until some later COMMIT (or lost by a ROLLBACK). Found by
// bench/dispatch.ts: agents refused completions of tasks whose hand-out they had been told of.
// patches/postgres+3.4.9.patch fixes it; the first test fails without the patch.
const url = process.env.DATABASE_URL;

describe.skipIf(!url)('postgres.js transactions under pipelining', () => {
  const clients: postgres.Sql[] = [];
  // max_pipeline is a postgres.js option its types leave out.
  const client = (opts: { max: number; max_pipeline?: number }) => {
    const c = postgres(url!, { onnotice: () => {}, ...(opts as { max: number }) });
    clients.push(c);
    return c;
  };
  const checker = client({ max: 1 });
  afterAll(() => Promise.all(clients.map((c) => c.end({ timeout: 5 }))));

  /**
   * Whether a plain (autocommit) statement ran inside a transaction block someone else began: once
   * its answer is in, its own transaction must have committed; a leaked one is still in progress.
   */
  const inForeignTransaction = async (sql: postgres.Sql) => {
    const [{ xid }] = await sql`select pg_current_xact_id()::text as xid`;
    const [{ status }] = await checker`select pg_xact_status(${xid}::xid8) as status`;
    return status !== 'committed';
  };

  it('reserves the connection for BEGIN even when BEGIN fills its pipeline, and leaks no open transaction', async () => {
    const sql = client({ max: 2, max_pipeline: 2 });
    await Promise.all([sql`select 1`, sql`select 1`, sql`select 1`]); // both connections open
    for (let round = 0; round < 20; round++) {
      // Both connections busy, each with one query queued behind, so BEGIN fills a pipeline.
      // execute() sends at once (a tagged query would wait for a tick, after BEGIN).
      const plain = [sql`select pg_sleep(0.02)`, sql`select pg_sleep(0.02)`, sql`select 1`, sql`select 1`].map((q) => q.execute());
      const tx = sql.begin(async (t) => (await t`select 1 as one`)[0].one as number);
      const after = Array.from({ length: 8 }, () => inForeignTransaction(sql));
      await expect(tx).resolves.toBe(1);
      await Promise.all(plain);
      expect(await Promise.all(after)).not.toContain(true);
    }
  });

  it('keeps a connection whose transaction waits between statements out of the pool', async () => {
    // A transaction idle between its statements (application code running) must not lend its
    // connection to pooled queries, whatever socket events arrive meanwhile.
    const sql = client({ max: 2, max_pipeline: 2 });
    let open!: () => void;
    const gate = new Promise<void>((r) => (open = r));
    const tx = sql.begin(async (t) => {
      await t`select 1`;
      await gate;
      return (await t`select 1 as one`)[0].one as number;
    });
    await new Promise((r) => setTimeout(r, 20));
    const checks = await Promise.all(Array.from({ length: 20 }, () => inForeignTransaction(sql)));
    open();
    await expect(tx).resolves.toBe(1);
    expect(checks).not.toContain(true);
  });
});
