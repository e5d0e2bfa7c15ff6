import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { AppError } from '@/lib/errors';
import { COUNT_CAP } from '@/lib/paging/sort';
import { taskTable, taskTableQuery } from './table';

let t: TestDb;
const admin = principalOf('super-admin');
const scoped = principalOf('department-admin', ['finance']);
const list = (q: Record<string, unknown>, who = admin) => taskTable(t.db, who, taskTableQuery.parse(q));

beforeAll(async () => {
  t = await createTestDb();
  // Ties on purpose: equal titles, equal priorities and one shared creation instant.
  await t.db.execute(sql`insert into tasks (title, department_id, type, priority, priority_rank, attempts, created_at)
    select 'sort ' || chr(97 + (i % 5)), case when i % 4 = 0 then 'finance' else 'legal' end, 'x',
      (array['critical','high','medium','low'])[1 + i % 4], i % 4, i % 3, '2026-01-01T00:00:00.123456Z'::timestamptz + ((i % 7) * interval '1 microsecond')
    from generate_series(1, 23) i`);
});
afterAll(() => t.drop());

/** Every row of a sort, walking next pages; then back again with prev pages. */
async function walk(q: Record<string, unknown>) {
  const forward: string[][] = [];
  let page = await list({ ...q, q: 'sort ', limit: 5 });
  forward.push(page.items.map((r) => r.id));
  while (page.nextCursor) {
    page = await list({ ...q, q: 'sort ', limit: 5, cursor: page.nextCursor });
    forward.push(page.items.map((r) => r.id));
  }
  const backward: string[][] = [];
  while (page.prevCursor) {
    page = await list({ ...q, q: 'sort ', limit: 5, cursor: page.prevCursor });
    backward.unshift(page.items.map((r) => r.id));
  }
  return { forward, backward, firstPage: page };
}

describe('taskTable', () => {
  it('pages through every row once in the asked order, forwards and back, ties broken by id', async () => {
    for (const [sort, order] of [
      ['title', 'asc'],
      ['priority', 'desc'],
      ['createdAt', 'desc'],
      ['attempts', 'asc'],
    ] as const) {
      const all = (await list({ q: 'sort ', sort, order, limit: 500 })).items;
      const { forward, backward, firstPage } = await walk({ sort, order });
      expect(forward.flat()).toEqual(all.map((r) => r.id));
      expect(new Set(forward.flat()).size).toBe(23);
      // Back from the last page lands on the same pages, the first with no previous one.
      expect(backward.flat()).toEqual(forward.slice(0, -1).flat());
      expect(firstPage.prevCursor).toBeNull();
      const key = (r: (typeof all)[number]) =>
        sort === 'title'
          ? r.title
          : sort === 'priority'
            ? -['critical', 'high', 'medium', 'low'].indexOf(r.priority)
            : sort === 'attempts'
              ? r.attempts
              : r.createdAt;
      const keys = all.map(key);
      const sorted = [...keys].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      expect(keys).toEqual(order === 'asc' ? sorted : sorted.reverse());
    }
  });

  it('counts what matches, only what the principal may see', async () => {
    expect((await list({ q: 'sort ' })).total).toBe(23);
    const mine = await list({ q: 'sort ' }, scoped);
    expect(mine.total).toBe(5);
    expect(mine.items.every((r) => r.departmentId === 'finance')).toBe(true);
  });

  it('stops counting past the cap', async () => {
    await t.db.execute(sql`insert into tasks (title, department_id, type, priority, priority_rank)
      select 'bulk', 'legal', 'x', 'low', 3 from generate_series(1, ${COUNT_CAP + 5})`);
    const page = await list({ q: 'bulk', limit: 25 });
    expect(page).toMatchObject({ total: COUNT_CAP, totalCapped: true });
    expect(page.items).toHaveLength(25);
    expect((await list({ q: 'sort ' })).totalCapped).toBe(false);
  });

  it('refuses a forged cursor or one made for another sort with a 400', async () => {
    const page = await list({ q: 'sort ', sort: 'title', limit: 5 });
    const refused = async (q: Record<string, unknown>) => {
      const err = await list(q).catch((e) => e);
      expect(err).toBeInstanceOf(AppError);
      expect(err.status).toBe(400);
    };
    await refused({ sort: 'title', order: 'desc', cursor: page.nextCursor });
    await refused({ sort: 'attempts', cursor: page.nextCursor });
    const forge = (v: unknown[]) => Buffer.from(JSON.stringify(v)).toString('base64url');
    await refused({ sort: 'attempts', cursor: forge(['attempts', 'asc', 'abc', '00000000-0000-4000-8000-000000000001', 0]) });
    await refused({
      sort: 'createdAt',
      order: 'desc',
      cursor: forge(['createdAt', 'desc', 'yesterday', '00000000-0000-4000-8000-000000000001', 0]),
    });
    await refused({ cursor: 'not-base64-json' });
    expect(taskTableQuery.safeParse({ sort: 'payload' }).success).toBe(false);
    expect(taskTableQuery.safeParse({ order: 'sideways' }).success).toBe(false);
  });
});
