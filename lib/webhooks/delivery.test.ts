import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq, inArray } from 'drizzle-orm';
import { Webhook } from 'standardwebhooks';
import { createTestDb, type TestDb } from '@/test/test-db';
import { openDb } from '@/db/client';
import { principalOf } from '@/test/principals';
import { webhookDeliveries, webhooks } from '@/db/schema/webhooks';
import { agents, alerts } from '@/db/schema/work';
import { resetEnvCache } from '../env';
import { makeAgent } from '../../test/resource-fixtures';
import { raiseShortage } from '../resources/alerts';
import { agentLost, agentOnline } from '../agents/connection';
import { createTaskSchema } from '../tasks/schemas';
import { createTask } from '../tasks/service';
import { createTasks } from '../tasks/batch';
import { completeTask, failTask } from '../lifecycle/lifecycle';
import { fireSchedule } from '../schedules/firing';
import { schedules } from '@/db/schema/schedules';
import { createWebhook } from './service';
import { deliverDue, pruneDeliveries } from './deliver';
import { startReceiver } from '../../test/webhook-receiver';

const admin = principalOf('super-admin');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
let t: TestDb;
const closers: (() => Promise<void>)[] = [];

beforeAll(async () => {
  process.env.WEBHOOK_ALLOW_PRIVATE = 'true';
  process.env.WEBHOOK_RETRY_BASE_MS = '1';
  resetEnvCache();
  t = await createTestDb();
});
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  // Each case starts from no webhooks, so one case's deliveries never reach another's receiver.
  await t.db.delete(webhookDeliveries);
  await t.db.delete(webhooks);
});
afterAll(async () => {
  delete process.env.WEBHOOK_ALLOW_PRIVATE;
  delete process.env.WEBHOOK_RETRY_BASE_MS;
  delete process.env.WEBHOOK_MAX_IN_FLIGHT;
  resetEnvCache();
  await t.drop();
});

async function receiver(answer?: Parameters<typeof startReceiver>[0]) {
  const r = await startReceiver(answer);
  closers.push(r.close);
  return r;
}

/** Runs delivery passes (several at once when `workers` > 1) until nothing is pending or under way. */
async function drain(workers = 1, dbs = [t.db], deadlineMs = 20_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    await Promise.all(Array.from({ length: workers }, (_, i) => deliverDue(dbs[i % dbs.length])));
    const open = await t.db
      .select({ id: webhookDeliveries.id })
      .from(webhookDeliveries)
      .where(inArray(webhookDeliveries.status, ['pending', 'delivering']));
    if (!open.length) return;
    if (Date.now() > until) throw new Error(`${open.length} deliveries still open`);
    await sleep(5);
  }
}

const task = (title: string, extra: Record<string, unknown> = {}) =>
  createTaskSchema.parse({ title, departmentId: 'legal', type: 'review', ...extra });

describe('webhook delivery', () => {
  it('retries a receiver that fails twice until it accepts each event exactly once, signed', async () => {
    const r = await receiver((_req, nth) => (nth <= 2 ? 500 : 200));
    const hook = await createWebhook(t.db, admin, {
      url: r.url,
      events: ['task.created', 'task.completed', 'task.failed', 'task.dead', 'agent.online', 'agent.offline', 'alert.raised'],
      departmentId: 'legal',
      enabled: true,
    });
    const agent = await makeAgent(t.db, 'legal');
    await t.db.update(agents).set({ maxConcurrentTasks: 3, status: 'offline' }).where(eq(agents.id, agent.id));
    await agentOnline(t.db, agent.id);
    const done = await createTask(t.db, admin, task('to complete'));
    const failed = await createTask(t.db, admin, task('to fail'));
    const dead = await createTask(t.db, admin, task('to die', { maxAttempts: 1 }));
    expect([done.assignedAgentId, failed.assignedAgentId, dead.assignedAgentId]).toEqual([agent.id, agent.id, agent.id]);
    await completeTask(t.db, agent.id, done.id, { ok: true });
    await failTask(t.db, agent.id, failed.id, 'bad input', false);
    await failTask(t.db, agent.id, dead.id, 'flaky', true);
    await agentLost(t.db, agent.id, 'test');
    await raiseShortage(t.db, 'legal', { cpu: 3 }, true);

    await drain();

    const rows = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    const types = rows.map((d) => d.eventType).sort();
    expect(types).toEqual(
      [
        'agent.offline',
        'agent.online',
        'alert.raised',
        'task.completed',
        'task.created',
        'task.created',
        'task.created',
        'task.dead',
        'task.failed',
      ].sort(),
    );
    expect(rows.every((d) => d.status === 'delivered' && d.attempts === 3 && d.responseStatus === 200)).toBe(true);
    const accepted = r.accepted();
    expect(accepted.map((a) => a.id).sort()).toEqual(rows.map((d) => d.id).sort());
    const verifier = new Webhook(hook.secret);
    for (const a of accepted) {
      const body = verifier.verify(a.body, { 'webhook-id': a.id, 'webhook-timestamp': a.timestamp, 'webhook-signature': a.signature }) as {
        type: string;
        timestamp: string;
        data: Record<string, unknown>;
      };
      expect(body.type).toBe(rows.find((d) => d.id === a.id)!.eventType);
      expect(Number.isNaN(Date.parse(body.timestamp))).toBe(false);
      if (body.type === 'task.completed') expect(body.data).toMatchObject({ id: done.id, status: 'completed', result: { ok: true } });
      if (body.type === 'task.dead') expect(body.data).toMatchObject({ id: dead.id, status: 'dead', error: 'flaky' });
      if (body.type === 'agent.offline') expect(body.data).toMatchObject({ id: agent.id, status: 'offline' });
    }
  });

  it('sends an event only to webhooks subscribed to its type and department', async () => {
    const r = await receiver();
    await createWebhook(t.db, admin, { url: r.url, events: ['task.completed'], departmentId: 'legal', enabled: true });
    await createWebhook(t.db, admin, { url: r.url, events: ['task.created'], departmentId: 'engineering', enabled: true });
    await createWebhook(t.db, admin, { url: r.url, events: ['task.created'], departmentId: 'legal', enabled: false });
    const global = await createWebhook(t.db, admin, { url: r.url, events: ['task.created'], enabled: true });
    const created = await createTask(t.db, admin, task('routed'));
    const rows = await t.db.select().from(webhookDeliveries);
    expect(rows.map((d) => d.webhookId)).toEqual([global.id]);
    expect(rows[0].payload).toMatchObject({ type: 'task.created', data: { id: created.id, departmentId: 'legal' } });
  });

  it('queues task.created for every task of a batch, in the batch statement', async () => {
    const r = await receiver();
    const hook = await createWebhook(t.db, admin, { url: r.url, events: ['task.created'], departmentId: 'legal', enabled: true });
    const batch = await createTasks(t.db, admin, [
      { title: 'batched 1', departmentId: 'legal', type: 'review' },
      { title: '', departmentId: 'legal', type: 'review' },
      { title: 'batched 3', departmentId: 'legal', type: 'review' },
    ]);
    expect(batch).toMatchObject({ created: 2, failed: 1 });
    const rows = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    const ids = batch.results.filter((x) => 'id' in x && x.id).map((x) => (x as { id: string }).id);
    expect(rows.map((d) => (d.payload as { data: { id: string } }).data.id).sort()).toEqual(ids.sort());
  });

  it('keeps at most WEBHOOK_MAX_IN_FLIGHT requests open at one endpoint, across parallel workers', async () => {
    process.env.WEBHOOK_MAX_IN_FLIGHT = '2';
    resetEnvCache();
    try {
      const r = await receiver(async () => {
        await sleep(60);
        return 200;
      });
      await createWebhook(t.db, admin, { url: r.url, events: ['task.created'], departmentId: 'legal', enabled: true });
      for (let i = 0; i < 10; i++) await createTask(t.db, admin, task(`burst ${i}`));
      const handle = t.url ? await openDb({ url: t.url, max: 4 }) : undefined;
      try {
        await drain(4, handle ? [t.db, handle.db] : [t.db]);
      } finally {
        await handle?.close();
      }
      expect(r.accepted()).toHaveLength(10);
      expect(r.maxOpen()).toBeLessThanOrEqual(2);
      expect(r.maxOpen()).toBe(2);
    } finally {
      delete process.env.WEBHOOK_MAX_IN_FLIGHT;
      resetEnvCache();
    }
  });

  it('never sends one delivery twice when several workers claim at once', async () => {
    const r = await receiver();
    await createWebhook(t.db, admin, { url: r.url, events: ['task.created'], departmentId: 'legal', enabled: true });
    await createWebhook(t.db, admin, { url: r.url, events: ['task.created'], enabled: true });
    await Promise.all(Array.from({ length: 30 }, (_, i) => createTask(t.db, admin, task(`parallel ${i}`))));
    const handle = t.url ? await openDb({ url: t.url, max: 6 }) : undefined;
    try {
      await drain(6, handle ? [t.db, handle.db] : [t.db]);
    } finally {
      await handle?.close();
    }
    const ids = r.received.map((x) => x.id);
    expect(ids).toHaveLength(60);
    expect(new Set(ids).size).toBe(60);
  });

  it('gives up after the retry window, marks the delivery failed and raises one alert', async () => {
    process.env.WEBHOOK_RETRY_HOURS = '0.0001'; // 0.36 s
    resetEnvCache();
    try {
      const r = await receiver(() => 503);
      const hook = await createWebhook(t.db, admin, { url: r.url, events: ['task.created'], departmentId: 'legal', enabled: true });
      // Several give up side by side: still one alert.
      for (let i = 0; i < 6; i++) await createTask(t.db, admin, task(`never accepted ${i}`));
      await drain(1, [t.db], 10_000);
      const rows = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
      expect(rows.map((d) => d.status)).toEqual(Array(6).fill('failed'));
      // How many attempts fit in the window depends on the machine's speed; at least one was answered 503.
      expect(rows.every((d) => d.attempts >= 1 && d.responseStatus === 503)).toBe(true);
      const raised = await t.db.select().from(alerts).where(eq(alerts.kind, 'webhook_failed'));
      expect(raised).toHaveLength(1);
      expect(raised[0]).toMatchObject({ departmentId: 'legal', status: 'open', detail: { webhookId: hook.id } });
    } finally {
      delete process.env.WEBHOOK_RETRY_HOURS;
      resetEnvCache();
    }
  });
  it('queues schedule.fired with the task the firing created, in the firing transaction', async () => {
    const r = await receiver();
    const hook = await createWebhook(t.db, admin, {
      url: r.url,
      events: ['schedule.fired', 'task.created'],
      departmentId: 'legal',
      enabled: true,
    });
    const [s] = await t.db
      .insert(schedules)
      .values({
        name: 'hourly',
        departmentId: 'legal',
        cron: '0 * * * *',
        task: { title: 'hourly', type: 'review', priority: 'low', maxAttempts: 1 },
      })
      .returning();
    const fired = await fireSchedule(t.db, s.id, new Date('2026-12-07T10:00:00Z'));
    expect(fired?.outcome).toBe('created');
    const rows = await t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.webhookId, hook.id));
    const taskId = fired?.outcome === 'created' ? fired.task.id : '';
    expect(rows.find((d) => d.eventType === 'schedule.fired')?.payload).toMatchObject({
      data: { scheduleId: s.id, taskId, fireTime: '2026-12-07T10:00:00.000Z', manual: false },
    });
    expect(rows.find((d) => d.eventType === 'task.created')?.payload).toMatchObject({ data: { id: taskId, scheduleId: s.id } });
  });

  it('prunes finished deliveries older than the log keeps, never pending ones', async () => {
    const old = new Date(Date.now() - 31 * 86_400_000);
    const base = { webhookId: '00000000-0000-4000-8000-0000000000aa', eventType: 'task.created', payload: {}, createdAt: old };
    await t.db.insert(webhookDeliveries).values([
      { ...base, status: 'delivered' },
      { ...base, status: 'failed' },
      { ...base, status: 'pending' },
      { ...base, status: 'delivered', createdAt: new Date() },
    ]);
    expect(await pruneDeliveries(t.db, 30)).toBe(2);
    expect((await t.db.select().from(webhookDeliveries)).map((d) => d.status).sort()).toEqual(['delivered', 'pending']);
  });
});
