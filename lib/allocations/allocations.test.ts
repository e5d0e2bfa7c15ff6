import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { alerts, allocations, taskEvents, tasks } from '@/db/schema/work';
import { assignTask } from '../dispatch/assign';
import { completeTask } from '../lifecycle/lifecycle';
import { AppError } from '../errors';
import { onDomain } from '../live';
import { allocate, chooseVictims, listAllocations, preemptLowerPriority, releaseAgent, releaseAllocation } from './allocations';
import { checkAvailability } from '../resources/service';
import { getPool, makeAgent, makeTask, setPool } from '../../test/resource-fixtures';

let t: TestDb;
const admin = principalOf('super-admin');
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());
beforeEach(async () => {
  await t.db.update(allocations).set({ status: 'released' }).where(eq(allocations.status, 'active'));
  await t.db.update(alerts).set({ status: 'resolved' });
  await setPool(t.db, 'engineering', 'compute', { guaranteed: 10, maximum: 10, capacity: 10, allocated: 0 });
});

async function rejection(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

describe('priority preemption', () => {
  it('a critical request preempts a low-priority holder of the same department; its task returns to pending and is finished later', async () => {
    const low = await makeAgent(t.db, 'engineering');
    const lowTask = await makeTask(t.db, 'engineering', { priority: 'low', resources: { compute: 8 } });
    expect(await assignTask(t.db, lowTask, low.id)).toMatchObject({ ok: true });
    const [held] = await t.db.select().from(allocations).where(eq(allocations.taskId, lowTask.id));
    const revoked: unknown[] = [];
    const off = onDomain('task:revoked', (e) => revoked.push(e));
    const urgent = await makeAgent(t.db, 'engineering');
    const got = await allocate(t.db, admin, { agentId: urgent.id, resources: { compute: 6 }, priority: 'critical' });
    off();
    expect(got.preempted).toEqual([held.id]);
    expect(revoked).toEqual([{ taskId: lowTask.id, agentId: low.id, reason: 'preempted' }]);
    const [old] = await t.db.select().from(allocations).where(eq(allocations.id, held.id));
    expect(old.status).toBe('preempted');
    expect((await getPool(t.db, 'engineering', 'compute')).allocated).toBe(6);
    const [requeued] = await t.db.select().from(tasks).where(eq(tasks.id, lowTask.id));
    expect(requeued).toMatchObject({ status: 'pending', assignedAgentId: null });
    const events = await t.db.select().from(taskEvents).where(eq(taskEvents.taskId, lowTask.id));
    expect(events.map((e) => [e.type, e.detail.reason ?? null])).toContainEqual(['requeued', 'preempted']);

    // Once the critical work is done, the low task gets its units again and completes.
    expect(await assignTask(t.db, requeued, low.id)).toMatchObject({ ok: false, reason: 'no-resources' });
    await releaseAllocation(t.db, admin, got.id);
    expect(await assignTask(t.db, requeued, low.id)).toMatchObject({ ok: true });
    expect(await completeTask(t.db, low.id, lowTask.id, { done: true })).toMatchObject({ task: { status: 'completed' } });
    expect((await getPool(t.db, 'engineering', 'compute')).allocated).toBe(0);
  });

  it('preemptLowerPriority frees room for a critical task in dispatch and never touches equal priority', async () => {
    const a = await makeAgent(t.db, 'engineering');
    const lowTask = await makeTask(t.db, 'engineering', { priority: 'low', resources: { compute: 6 } });
    expect(await assignTask(t.db, lowTask, a.id)).toMatchObject({ ok: true });
    expect(await preemptLowerPriority(t.db, 'engineering', { compute: 2 }, 'low')).toBe(false);
    expect(await preemptLowerPriority(t.db, 'engineering', { compute: 2 }, 'medium')).toBe(false);
    expect(await preemptLowerPriority(t.db, 'engineering', { compute: 2 }, 'critical')).toBe(true);
    const [back] = await t.db.select().from(tasks).where(eq(tasks.id, lowTask.id));
    expect(back.status).toBe('pending');
    expect((await getPool(t.db, 'engineering', 'compute')).allocated).toBe(0);
  });

  it('never preempts equal priority: a high request against a high holder gets 409', async () => {
    const a = await makeAgent(t.db, 'engineering');
    const b = await makeAgent(t.db, 'engineering');
    const held = await allocate(t.db, admin, { agentId: a.id, resources: { compute: 8 }, priority: 'high' });
    const err = await rejection(allocate(t.db, admin, { agentId: b.id, resources: { compute: 6 }, priority: 'high' }));
    expect(err.status).toBe(409);
    expect(err.extra.shortfall).toEqual({ compute: 4 });
    const [still] = await t.db.select().from(allocations).where(eq(allocations.id, held.id));
    expect(still.status).toBe('active');
  });

  it('medium and low requests never preempt, even lower holders', async () => {
    const a = await makeAgent(t.db, 'engineering');
    await allocate(t.db, admin, { agentId: a.id, resources: { compute: 10 }, priority: 'low' });
    const err = await rejection(allocate(t.db, admin, { agentId: a.id, resources: { compute: 1 }, priority: 'medium' }));
    expect(err.status).toBe(409);
  });

  it('does not preempt when all lower holders together cannot cover the shortfall', async () => {
    const a = await makeAgent(t.db, 'engineering');
    const lowHeld = await allocate(t.db, admin, { agentId: a.id, resources: { compute: 2 }, priority: 'low' });
    await allocate(t.db, admin, { agentId: a.id, resources: { compute: 8 }, priority: 'critical' });
    const err = await rejection(allocate(t.db, admin, { agentId: a.id, resources: { compute: 5 }, priority: 'critical' }));
    expect(err.status).toBe(409);
    const [still] = await t.db.select().from(allocations).where(eq(allocations.id, lowHeld.id));
    expect(still.status).toBe('active');
  });

  it('chooseVictims takes only holders that cover a short kind, and none when they cannot cover it', () => {
    const c: { id: string; resources: Record<string, number> }[] = [
      { id: 'a', resources: { memory: 5 } },
      { id: 'b', resources: { compute: 3 } },
      { id: 'c', resources: { compute: 4 } },
    ];
    expect(chooseVictims(c, { compute: 5 })?.map((v) => v.id)).toEqual(['b', 'c']);
    expect(chooseVictims(c, { compute: 8 })).toBeUndefined();
  });
});

describe('grants, waits and releases', () => {
  it('a queued request waits and is granted when units are released before its timeout', async () => {
    const a = await makeAgent(t.db, 'engineering');
    const held = await allocate(t.db, admin, { agentId: a.id, resources: { compute: 10 }, priority: 'medium' });
    const waiting = allocate(t.db, admin, { agentId: a.id, resources: { compute: 4 }, priority: 'medium', waitMs: 5000 });
    await new Promise((r) => setTimeout(r, 150));
    await releaseAllocation(t.db, admin, held.id);
    const got = await waiting;
    expect(got.status).toBe('active');
    const open = await t.db.select().from(alerts).where(eq(alerts.kind, 'resource_shortage'));
    expect(open.some((al) => al.departmentId === 'engineering' && al.detail.waited === true)).toBe(true);
  });

  it('a queued request that times out answers 409', async () => {
    const a = await makeAgent(t.db, 'engineering');
    await allocate(t.db, admin, { agentId: a.id, resources: { compute: 10 }, priority: 'medium' });
    const started = Date.now();
    const err = await rejection(allocate(t.db, admin, { agentId: a.id, resources: { compute: 1 }, priority: 'medium', waitMs: 300 }));
    expect(err.status).toBe(409);
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
  });

  it('release is idempotent and release-by-agent frees everything the agent holds', async () => {
    const a = await makeAgent(t.db, 'engineering');
    const one = await allocate(t.db, admin, { agentId: a.id, resources: { compute: 3 }, priority: 'medium' });
    await allocate(t.db, admin, { agentId: a.id, resources: { compute: 2 }, priority: 'medium' });
    await releaseAllocation(t.db, admin, one.id);
    await releaseAllocation(t.db, admin, one.id);
    expect((await getPool(t.db, 'engineering', 'compute')).allocated).toBe(2);
    expect(await releaseAgent(t.db, admin, a.id)).toEqual({ agentId: a.id, released: 1 });
    expect((await getPool(t.db, 'engineering', 'compute')).allocated).toBe(0);
  });

  it('check answers the shortfall, counting a kind without a pool as wholly short', async () => {
    expect(await checkAvailability(t.db, admin, { departmentId: 'engineering', resources: { compute: 4 } })).toEqual({
      available: true,
      shortfall: {},
    });
    expect(await checkAvailability(t.db, admin, { departmentId: 'engineering', resources: { compute: 14, 'crm-access': 2 } })).toEqual({
      available: false,
      shortfall: { compute: 4, 'crm-access': 2 },
    });
  });

  it('scopes: a coordinator of another department sees the agent as not found, and lists only its own', async () => {
    const a = await makeAgent(t.db, 'engineering');
    await allocate(t.db, admin, { agentId: a.id, resources: { compute: 1 }, priority: 'medium' });
    const sales = principalOf('department-coordinator', ['sales']);
    expect((await rejection(allocate(t.db, sales, { agentId: a.id, resources: { compute: 1 }, priority: 'medium' }))).status).toBe(404);
    expect((await listAllocations(t.db, sales, { limit: 50 })).items).toEqual([]);
    const readonly = principalOf('readonly');
    expect((await rejection(allocate(t.db, readonly, { agentId: a.id, resources: { compute: 1 }, priority: 'medium' }))).status).toBe(403);
  });

  it('lists allocations newest first with a working cursor', async () => {
    const a = await makeAgent(t.db, 'engineering');
    for (let i = 0; i < 5; i++) await allocate(t.db, admin, { agentId: a.id, resources: { compute: 1 }, priority: 'medium' });
    const first = await listAllocations(t.db, admin, { agentId: a.id, limit: 2 });
    expect(first.items).toHaveLength(2);
    const second = await listAllocations(t.db, admin, { agentId: a.id, limit: 2, cursor: first.nextCursor! });
    const third = await listAllocations(t.db, admin, { agentId: a.id, limit: 2, cursor: second.nextCursor! });
    const ids = [...first.items, ...second.items, ...third.items].map((x) => x.id);
    expect(new Set(ids).size).toBe(5);
    expect(third.nextCursor).toBeNull();
  });
});
