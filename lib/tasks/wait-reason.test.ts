import { afterAll, beforeAll, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { agents } from '@/db/schema/work';
import { createAgent } from '@/lib/agents/service';
import { createAgentSchema } from '@/lib/agents/schemas';
import { createTask } from './service';
import { createTaskSchema } from './schemas';
import { whyWaiting } from './wait-reason';

let t: TestDb;
const admin = principalOf('super-admin');

beforeAll(async () => {
  t = await createTestDb();
});
afterAll(async () => {
  await t?.drop();
});

const task = (over: Record<string, unknown>) =>
  createTask(
    t.db,
    admin,
    createTaskSchema.parse({ title: 'waits', departmentId: 'analytics', type: 'reporting', priority: 'low', ...over }),
  );
const codes = async (over: Record<string, unknown>) => (await whyWaiting(t.db, await task(over))).reasons.map((r) => r.code);

it('says why a pending task waits, from what the dispatcher looks at', async () => {
  // No agent of the department connected.
  expect(await codes({ requirements: { specialization: 'forecasting' } })).toEqual(['no-agent-online']);

  const { agent } = await createAgent(
    t.db,
    admin,
    createAgentSchema.parse({ departmentId: 'analytics', type: 'worker', specialization: 'reporting', maxConcurrentTasks: 1 }),
  );
  await t.db.update(agents).set({ status: 'idle' }).where(eq(agents.id, agent.id));
  // Online, but not of the specialization asked for.
  const misfit = await whyWaiting(t.db, await task({ requirements: { specialization: 'forecasting' } }));
  expect(misfit.reasons).toEqual([{ code: 'no-fitting-agent', detail: expect.stringContaining('specialization forecasting') }]);
  expect(misfit.agents).toEqual({ online: 1, fitting: 0, free: 0 });

  // Fits, with a free slot: next pass. Then at its limit: waits for a slot.
  expect(await codes({ requirements: { specialization: 'reporting' } })).toEqual(['next']);
  await t.db.update(agents).set({ status: 'busy', activeTasks: 1 }).where(eq(agents.id, agent.id));
  expect(await codes({ requirements: { specialization: 'reporting' } })).toEqual(['fitting-agents-busy']);

  // More of a resource than the pool has free; and an open dependency.
  const big = await whyWaiting(t.db, await task({ requirements: { resources: { compute: 2_000 } } }));
  expect(big.reasons.map((r) => r.code)).toEqual(['fitting-agents-busy', 'resources']);
  expect(big.reasons[1].detail).toMatch(/compute 2000 vCPU asked, \d+ free/);
  const first = await task({});
  expect(await codes({ dependsOn: [first.id] })).toContain('dependencies');
});
