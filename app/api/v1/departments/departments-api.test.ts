import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@/test/test-db';
import { testDbWithAdmin } from '@/test/admin';
import { params, request } from '@/test/http';
import { GET as listGET, POST as createPOST } from './route';
import { GET as oneGET, PATCH as onePATCH } from './[id]/route';
import { GET as statusGET } from './[id]/status/route';

let t: TestDb;
let token: string;
beforeAll(async () => {
  ({ t, token } = await testDbWithAdmin());
});
afterAll(() => t.drop());

describe('departments REST', () => {
  it('lists the ten seeded departments to the bootstrap admin', async () => {
    const res = await listGET(request('GET', '/api/v1/departments', { token }));
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(body.items.map((d: { id: string }) => d.id).sort()).toEqual([
      'analytics',
      'engineering',
      'finance',
      'hr',
      'it',
      'legal',
      'marketing',
      'operations',
      'research',
      'sales',
    ]);
  });

  it('answers 401 problem+json without a token or with a bad one', async () => {
    for (const res of [
      await listGET(request('GET', '/api/v1/departments')),
      await listGET(request('GET', '/api/v1/departments', { token: 'not-a-real-token-at-all' })),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('content-type')).toBe('application/problem+json');
      expect(await res.json()).toMatchObject({ status: 401, title: 'Unauthorized' });
    }
  });

  it('answers malformed JSON with 400 and invalid fields with 400 and errors[]', async () => {
    const malformed = await createPOST(request('POST', '/api/v1/departments', { token, raw: '{"id": "x",' }));
    expect(malformed.status).toBe(400);
    const invalid = await createPOST(request('POST', '/api/v1/departments', { token, body: { id: 'Bad Id', maxAgents: 'many' } }));
    expect(invalid.status).toBe(400);
    const problem = await invalid.json();
    expect(problem.errors.map((e: { path: string }) => e.path)).toEqual(expect.arrayContaining(['id', 'name', 'maxAgents']));
  });

  it('answers an unknown or malformed id with 404', async () => {
    expect((await oneGET(request('GET', '/api/v1/departments/nowhere', { token }), params({ id: 'nowhere' }))).status).toBe(404);
    expect((await oneGET(request('GET', '/api/v1/departments/%00', { token }), params({ id: '\u0000' }))).status).toBe(404);
    expect((await statusGET(request('GET', '/x', { token }), params({ id: 'nowhere' }))).status).toBe(404);
  });

  it('refuses a body over 1 MiB with 413', async () => {
    const res = await createPOST(
      request('POST', '/api/v1/departments', { token, raw: JSON.stringify({ id: 'big', name: 'x'.repeat(1_100_000) }) }),
    );
    expect(res.status).toBe(413);
  });

  it('creates, replays an Idempotency-Key, updates and reports status', async () => {
    const body = { id: 'support', name: 'Support', specializations: ['tier-1'], resourceTypes: ['communication'] };
    const headers = { 'idempotency-key': 'create-support-1' };
    const first = await createPOST(request('POST', '/api/v1/departments', { token, body, headers }));
    expect(first.status).toBe(201);
    const again = await createPOST(request('POST', '/api/v1/departments', { token, body, headers }));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const dup = await createPOST(request('POST', '/api/v1/departments', { token, body }));
    expect(dup.status).toBe(409);
    const patched = await onePATCH(
      request('PATCH', '/api/v1/departments/support', { token, body: { maxAgents: 12 } }),
      params({ id: 'support' }),
    );
    const after = await patched.json();
    expect(after.maxAgents).toBe(12);
    // Regression: a PATCH of one field once reset the others to their create-time defaults.
    expect(after.specializations).toEqual(['tier-1']);
    expect(after.resourceTypes).toEqual(['communication']);
    const status = await statusGET(request('GET', '/x', { token }), params({ id: 'engineering' }));
    expect(await status.json()).toMatchObject({ departmentId: 'engineering', agents: { total: 0 }, tasks: { pending: 0 } });
  });
});
