import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { onDbWrite } from './activity';
import { openPglite } from './pglite';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe('the embedded database', () => {
  it('initialises a new data directory, keeps what is written across a reopen, and runs with small shared buffers', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'ecs-pglite-'));
    dirs.push(dir);
    const data = path.join(dir, 'pglite');
    const db = await openPglite(data);
    expect(existsSync(path.join(data, 'PG_VERSION'))).toBe(true);
    expect((await db.query<{ shared_buffers: string }>('show shared_buffers')).rows[0].shared_buffers).toBe('16MB');
    await db.exec('create table kept (n int); insert into kept values (7)');
    await db.close();
    const again = await openPglite(data);
    expect((await again.query<{ n: number }>('select n from kept')).rows).toEqual([{ n: 7 }]);
    await again.close();
  }, 120_000);

  it('tells the write listeners of statements that may write, and not of reads', async () => {
    const db = await openPglite('memory://');
    let writes = 0;
    const stop = onDbWrite(() => writes++);
    try {
      await db.query('select 1');
      await db.query('show shared_buffers');
      expect(writes).toBe(0);
      await db.exec('create table t (n int)');
      await db.query('insert into t values ($1)', [1]);
      await db.query('select n from t for update');
      await db.transaction(async (tx) => void (await tx.query('select 1')));
      expect(writes).toBe(4);
    } finally {
      stop();
      await db.close();
    }
  }, 120_000);
});
