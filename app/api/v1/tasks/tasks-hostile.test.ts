import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { principalOf } from '@/test/principals';
import { cancelTask } from '@/lib/tasks/service';
import { POST } from './route';
import { GET as oneGET } from './[id]/route';

let t: TestDb;
let token: string;
beforeAll(async () => {
  t = await createTestDb();
  token = (await makeUser(t.db, 'super-admin')).token;
});
afterAll(() => t.drop());

describe('POST /api/v1/tasks with values Postgres refuses', () => {
  // Regression: the fuzz suite found these answered 500 (SQLSTATE 22021 / 22P05 from Postgres).
  it.each([
    ['a NUL byte in the title', { title: 'a\u0000b' }],
    ['a NUL byte inside the JSON payload', { payload: { note: 'x\u0000y' } }],
    ['a lone surrogate inside the JSON payload', { payload: { note: '\ud800' } }],
  ])('answers 400 problem+json for %s, and creates nothing', async (_name, extra) => {
    const res = await POST(
      request('POST', '/api/v1/tasks', { token, body: { title: 'ok', departmentId: 'sales', type: 'hostile', ...extra } }),
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const list = await t.db.query.tasks.findMany({ where: (tk, { eq }) => eq(tk.type, 'hostile') });
    expect(list).toHaveLength(0);
  });
});

describe('POST /api/v1/tasks asking for more than the organisation has', () => {
  it('answers 400 naming the kind and its total, where it used to wait for ever', async () => {
    const res = await POST(
      request('POST', '/api/v1/tasks', {
        token,
        body: { title: 'greedy', departmentId: 'engineering', type: 'greedy', requirements: { resources: { compute: 2_001 } } },
      }),
    );
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(JSON.stringify(body.errors)).toContain('At most 2000 vCPU');
    expect(await t.db.query.tasks.findMany({ where: (tk, { eq }) => eq(tk.type, 'greedy') })).toHaveLength(0);
    // The whole of it is a fair (if unlikely) request.
    const whole = await POST(
      request('POST', '/api/v1/tasks', {
        token,
        body: { title: 'whole', departmentId: 'engineering', type: 'greedy', requirements: { resources: { compute: 2_000 } } },
      }),
    );
    expect(whole.status).toBe(201);
  });
});

describe('GET /api/v1/tasks/{id}', () => {
  it('says why a pending task waits, and nothing once it is not pending', async () => {
    const created = await POST(
      request('POST', '/api/v1/tasks', { token, body: { title: 'lonely', departmentId: 'legal', type: 'review' } }),
    );
    const { id } = await created.json();
    const res = await oneGET(request('GET', `/api/v1/tasks/${id}`, { token }), params({ id }));
    const body = await res.json();
    expect(body.waiting).toEqual({
      reasons: [{ code: 'no-agent-online', detail: 'No agent of legal is online' }],
      agents: { online: 0, fitting: 0, free: 0 },
    });
    await cancelTask(t.db, principalOf('super-admin'), id);
    expect((await (await oneGET(request('GET', `/api/v1/tasks/${id}`, { token }), params({ id }))).json()).waiting).toBeNull();
  });
});
