import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@/test/test-db';
import { testDbWithAdmin } from '@/test/admin';
import { params, request } from '@/test/http';
import { makeAgent } from '@/test/resource-fixtures';
import { GET as poolsGET } from './route';
import { POST as checkPOST } from './check/route';
import { GET as costsGET } from './costs/route';
import { GET as deptGET, PATCH as deptPATCH } from '../departments/[id]/resources/route';
import { GET as allocGET, POST as allocPOST } from '../allocations/route';
import { DELETE as allocDELETE } from '../allocations/[id]/route';
import { POST as releasePOST } from '../agents/[id]/release/route';

let t: TestDb;
let token: string;
beforeAll(async () => {
  ({ t, token } = await testDbWithAdmin());
});
afterAll(() => t.drop());

describe('resources REST', () => {
  it('lists every pool with capacity, allocated, available and cost', async () => {
    const res = await poolsGET(request('GET', '/api/v1/resources', { token }));
    expect(res.status).toBe(200);
    const { items } = await res.json();
    expect(
      items.find((p: { departmentId: string; type: string }) => p.departmentId === 'engineering' && p.type === 'compute'),
    ).toMatchObject({
      guaranteed: 400,
      maximum: 800,
      capacity: 400,
      allocated: 0,
      available: 400,
      unit: 'vCPU',
    });
    expect(items.some((p: { departmentId: string; type: string }) => p.departmentId === 'sales' && p.type === 'compute')).toBe(false);
  });

  it('PATCH sets guaranteed and maximum, refuses impossible values with 4xx, and grants a new kind', async () => {
    const patch = (id: string, body: unknown) => deptPATCH(request('PATCH', `/x/${id}`, { token, body }), params({ id }));
    const ok = await patch('engineering', { compute: { guaranteed: 450, maximum: 900 } });
    expect(ok.status).toBe(200);
    expect((await ok.json()).pools.find((p: { type: string }) => p.type === 'compute')).toMatchObject({
      guaranteed: 450,
      maximum: 900,
      capacity: 450,
    });
    expect((await patch('engineering', { compute: { guaranteed: 900, maximum: 800 } })).status).toBe(422);
    expect((await patch('engineering', { compute: { maximum: 5000 } })).status).toBe(422);
    expect((await patch('engineering', { compute: { guaranteed: 1500, maximum: 2000 } })).status).toBe(409);
    expect((await patch('engineering', { warp: { guaranteed: 1 } })).status).toBe(400);
    expect((await patch('engineering', {})).status).toBe(400);
    expect((await patch('nowhere', { compute: { guaranteed: 1 } })).status).toBe(404);
    expect((await patch('sales', { compute: { guaranteed: 5 } })).status).toBe(422);
    const granted = await patch('sales', { compute: { guaranteed: 0, maximum: 20 } });
    expect(granted.status).toBe(200);
    const detail = await (await deptGET(request('GET', '/x', { token }), params({ id: 'sales' }))).json();
    expect(detail.pools.find((p: { type: string }) => p.type === 'compute')).toMatchObject({ guaranteed: 0, maximum: 20, capacity: 0 });
    expect(detail.changes[0].reason).toMatch(/^admin admin: guaranteed 0→0, maximum 0→20/);
  });

  it('checks, allocates, lists, releases and answers 409 with the shortfall', async () => {
    const agent = await makeAgent(t.db, 'hr');
    const check = await checkPOST(request('POST', '/x', { token, body: { departmentId: 'hr', resources: { database: 1_000 } } }));
    expect(await check.json()).toMatchObject({ available: false, shortfall: { database: expect.any(Number) } });
    const created = await allocPOST(
      request('POST', '/x', { token, body: { agentId: agent.id, resources: { database: 5 }, priority: 'high' } }),
    );
    expect(created.status).toBe(201);
    const alloc = await created.json();
    expect(alloc).toMatchObject({ agentId: agent.id, departmentId: 'hr', resources: { database: 5 }, status: 'active' });
    const refused = await allocPOST(
      request('POST', '/x', { token, body: { agentId: agent.id, resources: { database: 100_000 }, priority: 'low' } }),
    );
    expect(refused.status).toBe(409);
    expect((await refused.json()).shortfall.database).toBeGreaterThan(0);
    const list = await (await allocGET(request('GET', `/x?agentId=${agent.id}&status=active`, { token }))).json();
    expect(list.items.map((a: { id: string }) => a.id)).toEqual([alloc.id]);
    const costs = await (await costsGET(request('GET', '/x?departmentId=hr', { token }))).json();
    expect(costs.agents).toEqual([expect.objectContaining({ agentId: agent.id, resources: { database: 5 }, cost: 50 })]);
    const lower = await deptPATCH(
      request('PATCH', '/x', { token, body: { database: { guaranteed: 0, maximum: 4 } } }),
      params({ id: 'hr' }),
    );
    expect(lower.status).toBe(409);
    expect((await lower.json()).detail).toMatch(/5 connections are allocated; maximum can't go below that/);
    expect((await allocDELETE(request('DELETE', '/x', { token }), params({ id: alloc.id }))).status).toBe(204);
    await allocPOST(request('POST', '/x', { token, body: { agentId: agent.id, resources: { database: 2 }, priority: 'low' } }));
    const released = await releasePOST(request('POST', '/x', { token }), params({ id: agent.id }));
    expect(await released.json()).toEqual({ agentId: agent.id, released: 1 });
  });

  it('answers bad input with 400 and unknown or malformed ids with 404', async () => {
    const bad = await allocPOST(
      request('POST', '/x', { token, body: { agentId: 'nope', resources: { compute: -1 }, priority: 'urgent' } }),
    );
    expect(bad.status).toBe(400);
    expect(
      (await allocPOST(request('POST', '/x', { token, body: { agentId: crypto.randomUUID(), resources: { compute: 1 } } }))).status,
    ).toBe(404);
    expect((await allocDELETE(request('DELETE', '/x', { token }), params({ id: 'not-a-uuid' }))).status).toBe(404);
    expect((await allocDELETE(request('DELETE', '/x', { token }), params({ id: crypto.randomUUID() }))).status).toBe(404);
    expect((await releasePOST(request('POST', '/x', { token }), params({ id: crypto.randomUUID() }))).status).toBe(404);
    expect((await allocGET(request('GET', '/x?cursor=garbage', { token }))).status).toBe(400);
    expect((await checkPOST(request('POST', '/x', { token, body: { departmentId: 'hr', resources: {} } }))).status).toBe(400);
  });
});
