import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { startHarness, type Harness } from '../test/harness';
import { apiAs } from '../sim/fleet';
import { startDemoFleet } from './demo';

let t: TestDb;
let h: Harness;

beforeAll(async () => {
  t = await createTestDb({ adminPassword: 'demo-admin-password-1' });
  h = await startHarness();
});
afterAll(async () => {
  await h?.close();
  await t?.drop();
});

it("cancels the open tasks the last demo run left behind, and nobody else's", async () => {
  const api = await apiAs(h.url, 'admin', 'demo-admin-password-1');
  // Tasks as a fleet made them, needing a specialization the next demo fleet may not have.
  const task = (fleet: string) => ({
    title: `left by ${fleet}`,
    departmentId: 'analytics',
    type: 'forecasting',
    priority: 'low',
    requirements: { specialization: 'forecasting' },
    payload: { fleet },
  });
  const leftover = await api.call('POST', '/api/v1/tasks', task('demo-'));
  const other = await api.call('POST', '/api/v1/tasks', task('simulation'));
  expect([leftover.status, other.status], JSON.stringify(leftover.body)).toEqual([201, 201]);
  const fleet = await startDemoFleet(h.url, () => {});
  try {
    expect((await api.call('GET', `/api/v1/tasks/${leftover.body.id}`)).body.status).toBe('cancelled');
    // Another fleet's task is left to run (a new demo agent may well take it).
    expect((await api.call('GET', `/api/v1/tasks/${other.body.id}`)).body.status).not.toBe('cancelled');
  } finally {
    await fleet?.stop();
  }
});
