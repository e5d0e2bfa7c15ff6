import { beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { fleetSuite } from '../test/suite';
import { rowsOf } from '@/db/rows';
import { sleep, spawnAgent, waitFor } from '../sim/fleet';

const s = fleetSuite('preempt-admin-pw-1');

beforeAll(async () => {
  // A small pool, so two tasks can't both hold it.
  await s.t.db.execute(
    sql`update resource_pools set capacity = 10, guaranteed = 10, maximum = 10 where department_id = 'research' and type = 'compute'`,
  );
});

const getTask = async (id: string) => (await s.api.call('GET', `/api/v1/tasks/${id}`)).body;
const held = (id: string) => waitFor(async () => ['assigned', 'running'].includes((await getTask(id)).status), 30_000);

describe('dispatch with resources', () => {
  it('hands out a task only with its resources, and a critical task preempts a low one', async () => {
    const seen: string[] = [];
    const gates = new Map<string, () => void>();
    const handler = async (tk: { id: string; title: string }, ctx: { signal: AbortSignal }) => {
      seen.push(tk.title);
      await new Promise<void>((resolve) => {
        gates.set(tk.title, resolve);
        ctx.signal.addEventListener('abort', () => resolve());
      });
      return tk.title;
    };
    for (let i = 0; i < 2; i++)
      s.clients.push(await spawnAgent(s.h.url, s.api, { departmentId: 'research', specialization: 'ml' }, handler));
    const need = { requirements: { resources: { compute: 8 } } };
    const low = (
      await s.api.call('POST', '/api/v1/tasks', { title: 'low', departmentId: 'research', type: 'train', priority: 'low', ...need })
    ).body;
    await held(low.id);
    const [pool] = rowsOf<{ allocated: number }>(
      await s.t.db.execute(sql`select allocated from resource_pools where department_id = 'research' and type = 'compute'`),
    );
    expect(pool.allocated).toBe(8);

    const medium = (
      await s.api.call('POST', '/api/v1/tasks', { title: 'medium', departmentId: 'research', type: 'train', priority: 'medium', ...need })
    ).body;
    expect(medium.status).toBe('pending'); // no resources, and medium never preempts

    const critical = (
      await s.api.call('POST', '/api/v1/tasks', {
        title: 'critical',
        departmentId: 'research',
        type: 'train',
        priority: 'critical',
        ...need,
      })
    ).body;
    // The hand-out may finish in a concurrent dispatch pass just after the create answers.
    await held(critical.id);
    const lowNow = await getTask(low.id);
    expect(
      lowNow.events.map((e: { type: string; detail: { reason?: string } }) => `${e.type}${e.detail.reason ? `:${e.detail.reason}` : ''}`),
    ).toContain('requeued:preempted');

    // Critical finishes; the queue continues in priority order (medium before low) and the low one finishes later.
    await waitFor(() => gates.has('critical'));
    gates.get('critical')!();
    await waitFor(async () => (await getTask(critical.id)).status === 'completed', 30_000);
    await waitFor(async () => (await getTask(medium.id)).status !== 'pending', 30_000);
    await waitFor(() => gates.has('medium'));
    gates.get('medium')!();
    await waitFor(async () => gates.has('low') && seen.filter((s) => s === 'low').length === 2, 30_000);
    gates.get('low')!();
    await waitFor(async () => (await getTask(low.id)).status === 'completed', 30_000);
    const [after] = rowsOf<{ allocated: number }>(
      await s.t.db.execute(sql`select allocated from resource_pools where department_id = 'research' and type = 'compute'`),
    );
    expect(after.allocated).toBe(0);
    await sleep(10);
  });

  it('never preempts a holder of equal priority', async () => {
    const gates: (() => void)[] = [];
    let holding = true;
    // Both agents hold what they get until released, whichever of them round-robin picks.
    const hold = async (_tk: unknown, ctx: { signal: AbortSignal }) => {
      if (holding) {
        await new Promise<void>((r) => {
          gates.push(r);
          ctx.signal.addEventListener('abort', () => r());
        });
      }
      return null;
    };
    for (let i = 0; i < 2; i++)
      s.clients.push(await spawnAgent(s.h.url, s.api, { departmentId: 'research', specialization: 'data-science' }, hold));
    const need = { requirements: { specialization: 'data-science', resources: { compute: 8 } }, priority: 'critical' };
    const first = (await s.api.call('POST', '/api/v1/tasks', { title: 'c1', departmentId: 'research', type: 'x', ...need })).body;
    await held(first.id);
    const second = (await s.api.call('POST', '/api/v1/tasks', { title: 'c2', departmentId: 'research', type: 'x', ...need })).body;
    await sleep(300);
    expect((await getTask(second.id)).status).toBe('pending');
    expect(['assigned', 'running']).toContain((await getTask(first.id)).status);
    holding = false;
    await waitFor(() => gates.length > 0);
    gates.forEach((g) => g());
    await waitFor(async () => (await getTask(second.id)).status === 'completed', 30_000);
  });
});
