import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { tasks } from '@/db/schema/work';
import { createTask } from '@/lib/tasks/service';
import { createTaskSchema } from '@/lib/tasks/schemas';
import { nextLeaseDeadline, nextStartDeadline } from './deadlines';

let t: TestDb;
const admin = principalOf('super-admin');
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const task = (extra: Record<string, unknown> = {}) =>
  createTask(t.db, admin, createTaskSchema.parse({ title: 'deadline', departmentId: 'legal', type: 'deadline', ...extra }));
const near = (a: number | null, b: number) => expect(Math.abs((a ?? 0) - b)).toBeLessThan(2_000);

describe('next deadlines', () => {
  it('are none while nothing runs, waits or is scheduled', async () => {
    expect(await nextLeaseDeadline(t.db)).toBeNull();
    expect(await nextStartDeadline(t.db)).toBeNull();
  });

  it('name when the earliest delayed task comes due', async () => {
    await task({ delayMs: 3_600_000 });
    await task({ delayMs: 600_000 });
    near(await nextStartDeadline(t.db), Date.now() + 600_000);
  });

  it('name the earlier of a running task lease running out and an attempt passing its timeout', async () => {
    const a = await task();
    const b = await task({ timeout: 60_000 });
    await t.db
      .update(tasks)
      .set({ status: 'running', leaseExpiresAt: sql`now() + interval '5 minutes'`, assignedAt: sql`now()` })
      .where(eq(tasks.id, a.id));
    near(await nextLeaseDeadline(t.db), Date.now() + 300_000);
    await t.db
      .update(tasks)
      .set({ status: 'assigned', leaseExpiresAt: sql`now() + interval '10 minutes'`, assignedAt: sql`now()` })
      .where(eq(tasks.id, b.id));
    near(await nextLeaseDeadline(t.db), Date.now() + 60_000);
  });
});
