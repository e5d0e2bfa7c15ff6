import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { busStats, resetBusStats } from '@/lib/metrics/bus-stats';
import { startHarness, type Harness } from '../test/harness';
import { apiAs, waitFor } from './fleet';
import { startSimulation } from './engine';

let t: TestDb;
let h: Harness;

beforeAll(async () => {
  t = await createTestDb({ adminPassword: 'sim-admin-password-1' });
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

type Pool = { departmentId: string; type: string; allocated: number };

it('runs a fleet that takes tasks, holds resources while working and talks on the bus', async () => {
  const api = await apiAs(h.url, 'admin', 'sim-admin-password-1');
  resetBusStats();
  const sim = await startSimulation({
    url: h.url,
    api,
    agents: 6,
    tasksPerSecond: 10,
    meanTaskMs: 400,
    failureRate: 0,
    collaborationRate: 0,
    resourceRate: 1,
  });
  try {
    // Tasks asked for resources of their department's pools: granted while they run.
    const held = await waitFor(async () => {
      const pools = (await api.call('GET', '/api/v1/resources')).body.items as Pool[];
      return pools.find((p) => p.allocated > 0);
    }, 20_000);
    expect(held.allocated).toBeGreaterThan(0);
    await waitFor(() => sim.stats.completed >= 5 && sim.stats.messages >= 10, 20_000);
  } finally {
    await sim.stop();
  }
  expect(sim.stats.agents).toBe(6);
  const { totals } = busStats();
  // Every completion sent one department message and published one status line.
  expect(totals.messages.department).toBeGreaterThanOrEqual(5);
  expect(totals.messages.topic).toBeGreaterThanOrEqual(5);
  // Six agents subscribed to the status topic: each status line reached the other five.
  expect(totals.deliveries).toBeGreaterThanOrEqual(5 * 5);
  expect(totals.socketSends).toBe(totals.messagesTotal);
});
