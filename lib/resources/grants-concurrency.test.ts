import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@/test/test-db';
import { testDbWithAdmin } from '@/test/admin';
import { request } from '@/test/http';
import { POST as allocatePOST } from '@/app/api/v1/allocations/route';
import { activeUnits, getPool, makeAgent, setPool } from '../../test/resource-fixtures';

let t: TestDb;
let token: string;
beforeAll(async () => {
  ({ t, token } = await testDbWithAdmin());
});
afterAll(() => t.drop());

describe('concurrent grants never overcommit', () => {
  it('500 concurrent one-unit requests at a 50-unit pool: exactly 50 granted, 450 answered 409 with the shortfall', async () => {
    // No burst room: maximum = capacity = 50, so "capacity plus burst" is 50.
    await setPool(t.db, 'research', 'compute', { guaranteed: 50, maximum: 50, capacity: 50, allocated: 0 });
    const agent = await makeAgent(t.db, 'research');
    let peak = 0;
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        peak = Math.max(peak, await activeUnits(t.db, 'research', 'compute'));
        await new Promise((r) => setTimeout(r, 5));
      }
    })();
    const responses = await Promise.all(
      Array.from({ length: 500 }, () =>
        allocatePOST(
          request('POST', '/api/v1/allocations', { token, body: { agentId: agent.id, resources: { compute: 1 }, priority: 'medium' } }),
        ),
      ),
    );
    sampling = false;
    await sampler;
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(50);
    expect(statuses.filter((s) => s === 409)).toHaveLength(450);
    const refused = await responses.find((r) => r.status === 409)!.json();
    expect(refused.shortfall).toEqual({ compute: 1 });
    expect(await activeUnits(t.db, 'research', 'compute')).toBe(50);
    expect(peak).toBeLessThanOrEqual(50);
    expect((await getPool(t.db, 'research', 'compute')).allocated).toBe(50);
  }, 120_000);
});
