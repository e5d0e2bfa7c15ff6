import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { readyTasks } from '@/db/queries/tasks';
import { agents, taskEvents, tasks } from '@/db/schema/work';
import { makeAgent } from '../../test/resource-fixtures';
import type { Principal } from '../permissions/rbac';
import { assignTask } from '../dispatch/assign';
import { createTaskSchema } from '../tasks/schemas';
import { cancelTask, createTask, getTask, retryTask } from '../tasks/service';
import { completeTask, failTask } from './lifecycle';
import { sweepFailedDependencies } from './dependencies';

const admin: Principal = { kind: 'user', id: 'test-admin', name: 'test admin', role: 'super-admin', departmentIds: [], permissions: ['*'] };

describe('dependants of a task that ends without completing', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  const make = (title: string, extra: Record<string, unknown> = {}) =>
    createTask(t.db, admin, createTaskSchema.parse({ title, departmentId: 'legal', type: 'review', maxAttempts: 1, ...extra }));
  const statusOf = async (id: string) => (await t.db.select().from(tasks).where(eq(tasks.id, id)))[0];

  /** Hands the task to a fresh agent and fails it for good (dead). */
  async function kill(id: string) {
    const agent = await makeAgent(t.db, 'legal');
    const row = await statusOf(id);
    expect((await assignTask(t.db, row, agent.id)).ok).toBe(true);
    return failTask(t.db, agent.id, id, 'broken');
  }

  it('A dead cancels B and C behind it (A→B→C), each naming the dependency that failed it', async () => {
    const a = await make('A');
    const b = await make('B', { dependsOn: [a.id] });
    const c = await make('C', { dependsOn: [b.id] });
    const other = await make('unrelated');
    expect((await kill(a.id))?.status).toBe('dead');
    const [rb, rc] = await Promise.all([statusOf(b.id), statusOf(c.id)]);
    expect(rb).toMatchObject({ status: 'cancelled', statusReason: 'dependency-failed' });
    expect(rb.error).toContain(a.id);
    expect(rc).toMatchObject({ status: 'cancelled', statusReason: 'dependency-failed' });
    expect(rc.error).toContain(b.id);
    const [ev] = await t.db
      .select()
      .from(taskEvents)
      .where(eq(taskEvents.taskId, c.id))
      .then((r) => r.filter((e) => e.type === 'cancelled'));
    expect(ev.detail).toMatchObject({ reason: 'dependency-failed', dependency: b.id, root: a.id });
    expect((await statusOf(other.id)).status).toBe('pending');
    const view = await getTask(t.db, admin, c.id);
    expect(view.reason).toBe('dependency-failed');
  });

  it('a delayed dependant is cancelled with the others, and cancelling a delayed task cancels its dependants', async () => {
    const a = await make('A-delayed-dep');
    const later = await make('later', { dependsOn: [a.id], delayMs: 3_600_000 });
    expect((await statusOf(later.id)).status).toBe('scheduled');
    await cancelTask(t.db, admin, a.id);
    expect(await statusOf(later.id)).toMatchObject({ status: 'cancelled', statusReason: 'dependency-failed' });
    const s = await make('scheduled-root', { delayMs: 3_600_000 });
    const behind = await make('behind scheduled', { dependsOn: [s.id] });
    await cancelTask(t.db, admin, s.id);
    expect(await statusOf(behind.id)).toMatchObject({ status: 'cancelled', statusReason: 'dependency-failed' });
  });

  it('a cancelled task cancels its dependants too, and a task created on an already failed one is born cancelled', async () => {
    const a = await make('A2');
    const b = await make('B2', { dependsOn: [a.id] });
    await cancelTask(t.db, admin, a.id);
    expect((await statusOf(b.id)).status).toBe('cancelled');
    const late = await make('late', { dependsOn: [a.id] });
    expect(late).toMatchObject({ status: 'cancelled', reason: 'dependency-failed' });
  });

  it("dependencyPolicy 'wait' keeps the dependant (and what follows it) pending, says why, and retrying the failed task wakes it", async () => {
    const a = await make('A3');
    const b = await make('B3', { dependsOn: [a.id], dependencyPolicy: 'wait' });
    const c = await make('C3', { dependsOn: [b.id] });
    expect(b.dependencyPolicy).toBe('wait');
    await kill(a.id);
    expect((await statusOf(b.id)).status).toBe('pending');
    expect((await statusOf(c.id)).status).toBe('pending');
    const waiting = (await getTask(t.db, admin, b.id)).waiting!;
    const failed = waiting.reasons.find((r) => r.code === 'dependency-failed');
    expect(failed?.detail).toContain(a.id);
    expect(failed?.detail).toMatch(/retrying it wakes this task/);
    expect((await readyTasks(t.db, 'legal', 500)).map((r) => r.id)).not.toContain(b.id);

    // Retry A, complete it: B is ready for the dispatcher.
    await retryTask(t.db, admin, a.id);
    const agent = await makeAgent(t.db, 'legal');
    await t.db.update(agents).set({ status: 'idle' }).where(eq(agents.id, agent.id));
    const row = await statusOf(a.id);
    if (row.status === 'pending') expect((await assignTask(t.db, row, agent.id)).ok).toBe(true);
    const holder = (await statusOf(a.id)).assignedAgentId!;
    expect(await completeTask(t.db, holder, a.id, null)).not.toBeNull();
    expect((await readyTasks(t.db, 'legal', 500)).map((r) => r.id)).toContain(b.id);
    expect((await getTask(t.db, admin, b.id)).waiting!.reasons.map((r) => r.code)).not.toContain('dependency-failed');
  });
});

describe('the dependency sweep', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
  });
  afterAll(async () => {
    await t.drop();
  });

  it('cascades a failure whose cascade never ran (a crash between the two), and leaves wait-policy dependants alone', async () => {
    const make = (title: string, extra: Record<string, unknown> = {}) =>
      createTask(t.db, admin, createTaskSchema.parse({ title, departmentId: 'legal', type: 'review', ...extra }));
    const a = await make('A');
    const b = await make('B', { dependsOn: [a.id] });
    const w = await make('W', { dependsOn: [a.id], dependencyPolicy: 'wait' });
    // Dead, written directly: no cascade ran.
    await t.db.update(tasks).set({ status: 'dead' }).where(eq(tasks.id, a.id));
    expect(await sweepFailedDependencies(t.db)).toEqual([b.id]);
    expect((await t.db.select().from(tasks).where(eq(tasks.id, w.id)))[0].status).toBe('pending');
    expect(await sweepFailedDependencies(t.db)).toEqual([]);
  });
});
