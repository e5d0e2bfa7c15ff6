import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { apiTokens } from '@/db/schema/auth';
import { sha256 } from '@/lib/keys/secret';
import { GET as meGET } from '../me/route';
import { GET as deptsGET, POST as deptsPOST } from '../departments/route';
import { GET as listGET, POST as createPOST } from './route';
import { DELETE as oneDELETE } from './[id]/route';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const create = (token: string, body: unknown) => createPOST(request('POST', '/api/v1/tokens', { token, body }));

describe('API tokens', () => {
  it('is shown once as ecs_pat_<id>_<secret>, stored as a sha256, and works as a bearer token', async () => {
    const owner = await makeUser(t.db, 'department-admin', ['sales']);
    const res = await create(owner.token, { name: 'nightly report', expiresInDays: 30 });
    expect(res.status).toBe(201);
    const made = await res.json();
    expect(made.token).toMatch(/^ecs_pat_[0-9a-f-]{36}_[\w-]{20,}$/);
    const [row] = await t.db.select().from(apiTokens).where(eq(apiTokens.id, made.id));
    expect(row.secretHash).toBe(sha256(made.token.slice(`ecs_pat_${made.id}_`.length)));
    expect(JSON.stringify(row)).not.toContain(made.token.slice(-20));
    const me = await (await meGET(request('GET', '/api/v1/me', { token: made.token }))).json();
    expect(me).toMatchObject({ kind: 'api-token', role: 'department-admin' });
    const listed = await (await listGET(request('GET', '/api/v1/tokens', { token: owner.token }))).json();
    expect(listed.items).toHaveLength(1);
    expect(listed.items[0]).not.toHaveProperty('token');
    expect(listed.items[0].lastUsedAt).not.toBeNull();
  });

  it('narrows to some of the owner’s rights and refuses more than the owner has', async () => {
    const owner = await makeUser(t.db, 'department-admin', ['sales']);
    const readOnly = await (await create(owner.token, { name: 'read', permissions: ['department:read'] })).json();
    expect((await deptsGET(request('GET', '/api/v1/departments', { token: readOnly.token }))).status).toBe(200);
    expect(
      (await deptsPOST(request('POST', '/api/v1/departments', { token: owner.token, body: { id: 'x-dept', name: 'X' } }))).status,
    ).toBe(403);
    const wider = await create(owner.token, { name: 'wider', permissions: ['department:create'] });
    expect(wider.status).toBe(422);
    expect((await wider.json()).exceeding).toEqual(['department:create']);
    // A narrowed token can't mint a token with its owner's full rights…
    expect((await create(readOnly.token, { name: 'minted' })).status).toBe(403);
    // …nor can a full-rights token mint a longer-lived one (a leaked token must not outlive its expiry).
    const full = await (await create(owner.token, { name: 'full', expiresInDays: 1 })).json();
    expect((await create(full.token, { name: 'forever' })).status).toBe(403);
  });

  it('stops working once revoked or expired; only the owner (or a super-admin) revokes', async () => {
    const owner = await makeUser(t.db, 'auditor');
    const stranger = await makeUser(t.db, 'auditor');
    const made = await (await create(owner.token, { name: 'short' })).json();
    expect((await oneDELETE(request('DELETE', '/x', { token: stranger.token }), params({ id: made.id }))).status).toBe(404);
    expect((await oneDELETE(request('DELETE', '/x', { token: owner.token }), params({ id: made.id }))).status).toBe(204);
    expect((await meGET(request('GET', '/api/v1/me', { token: made.token }))).status).toBe(401);
    const expiring = await (await create(owner.token, { name: 'expiring' })).json();
    await t.db
      .update(apiTokens)
      .set({ expiresAt: new Date(Date.now() - 1000) })
      .where(eq(apiTokens.id, expiring.id));
    expect((await meGET(request('GET', '/api/v1/me', { token: expiring.token }))).status).toBe(401);
    expect((await create(owner.token, { name: 'past', expiresAt: '2001-01-01T00:00:00Z' })).status).toBe(422);
  });

  it('a readonly user and a forged secret get nothing', async () => {
    const ro = await makeUser(t.db, 'readonly');
    expect((await create(ro.token, { name: 'nope' })).status).toBe(403);
    const owner = await makeUser(t.db, 'auditor');
    const made = await (await create(owner.token, { name: 'real' })).json();
    const forged = `ecs_pat_${made.id}_${'A'.repeat(43)}`;
    expect((await meGET(request('GET', '/api/v1/me', { token: forged }))).status).toBe(401);
  });
});
