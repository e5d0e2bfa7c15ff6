import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser, TEST_PASSWORD } from '@/test/users';
import { auditLog } from '@/db/schema/auth';
import { POST as tokenPOST } from '../auth/token/route';
import { POST as refreshPOST } from '../auth/refresh/route';
import { GET as meGET } from '../me/route';
import { GET as listGET, POST as createPOST } from './route';
import { DELETE as oneDELETE, GET as oneGET, PATCH as onePATCH } from './[id]/route';
import { POST as mfaPOST } from './[id]/mfa/route';
import { POST as coordPOST } from '../departments/[id]/coordinators/route';
import { PUT as policyPUT } from '../security/mfa-policy/route';
import { mustEnrolMfa } from '@/lib/security/mfa-policy';
import { principalFromUser } from '@/lib/auth/principal';

let t: TestDb;
let admin: Awaited<ReturnType<typeof makeUser>>;
let mktAdmin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await createTestDb();
  admin = await makeUser(t.db, 'super-admin', [], 'root-admin');
  mktAdmin = await makeUser(t.db, 'department-admin', ['marketing'], 'mkt-admin');
});
afterAll(() => t.drop());

const create = (token: string, body: unknown) => createPOST(request('POST', '/api/v1/users', { token, body }));
const patch = (token: string, id: string, body: unknown) =>
  onePATCH(request('PATCH', `/api/v1/users/${id}`, { token, body }), params({ id }));
const login = (username: string, password: string, ip = '10.1.0.1', otp?: string) =>
  tokenPOST(request('POST', '/api/v1/auth/token', { body: { username, password, otp }, headers: { 'x-ecs-client-ip': ip } }));

describe('users REST', () => {
  it('a super-admin creates a user; the password policy and unknown departments answer 400; a taken name 409', async () => {
    const ok = await create(admin.token, {
      username: 'Alice.Ops',
      password: TEST_PASSWORD,
      role: 'agent-supervisor',
      departmentIds: ['operations'],
    });
    expect(ok.status).toBe(201);
    const alice = await ok.json();
    expect(alice).toMatchObject({ username: 'alice.ops', role: 'agent-supervisor', departmentIds: ['operations'], mfaEnabled: false });
    expect(alice).not.toHaveProperty('passwordHash');
    expect((await create(admin.token, { username: 'alice.ops', password: TEST_PASSWORD, role: 'readonly' })).status).toBe(409);
    const weak = await create(admin.token, { username: 'bob', password: 'password', role: 'readonly' });
    expect(weak.status).toBe(400);
    const unknown = await create(admin.token, {
      username: 'carol',
      password: TEST_PASSWORD,
      role: 'readonly',
      departmentIds: ['atlantis'],
    });
    expect(unknown.status).toBe(400);
  });

  it('a department admin grants only roles below its own, only in its departments', async () => {
    const coordinator = await create(mktAdmin.token, {
      username: 'mkt-coord-1',
      password: TEST_PASSWORD,
      role: 'department-coordinator',
      departmentIds: ['marketing'],
    });
    expect(coordinator.status).toBe(201);
    expect(
      (
        await create(mktAdmin.token, {
          username: 'mkt-admin-2',
          password: TEST_PASSWORD,
          role: 'department-admin',
          departmentIds: ['marketing'],
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await create(mktAdmin.token, {
          username: 'sneaky-root',
          password: TEST_PASSWORD,
          role: 'super-admin',
          departmentIds: ['marketing'],
        })
      ).status,
    ).toBe(403);
    expect(
      (
        await create(mktAdmin.token, {
          username: 'eng-coord',
          password: TEST_PASSWORD,
          role: 'department-coordinator',
          departmentIds: ['engineering'],
        })
      ).status,
    ).toBe(403);
    expect((await create(mktAdmin.token, { username: 'no-dept', password: TEST_PASSWORD, role: 'agent-supervisor' })).status).toBe(400);
  });

  it('a department admin sees and manages only users of its departments (404 for others)', async () => {
    const engUser = await makeUser(t.db, 'agent-supervisor', ['engineering']);
    const list = await (await listGET(request('GET', '/api/v1/users?limit=500', { token: mktAdmin.token }))).json();
    expect(list.items.every((u: { departmentIds: string[] }) => u.departmentIds.includes('marketing'))).toBe(true);
    expect((await oneGET(request('GET', '/x', { token: mktAdmin.token }), params({ id: engUser.id }))).status).toBe(404);
    expect((await patch(mktAdmin.token, engUser.id, { disabled: true })).status).toBe(404);
    // The out-of-scope probe is audited as denied.
    const denied = await t.db.select().from(auditLog).where(eq(auditLog.action, 'access.denied'));
    expect(denied.some((r) => r.actorId === mktAdmin.id && r.detail.reason === 'out-of-scope')).toBe(true);
    // A user who is in marketing and engineering is visible, but not the marketing admin's to manage.
    const both = await makeUser(t.db, 'agent-supervisor', ['marketing', 'engineering']);
    expect((await oneGET(request('GET', '/x', { token: mktAdmin.token }), params({ id: both.id }))).status).toBe(200);
    expect((await patch(mktAdmin.token, both.id, { departmentIds: [] })).status).toBe(403);
  });

  it('nobody manages a user at or above their own level, except a super-admin', async () => {
    const peer = await makeUser(t.db, 'department-admin', ['marketing']);
    expect((await patch(mktAdmin.token, peer.id, { disabled: true })).status).toBe(403);
    expect((await patch(admin.token, peer.id, { role: 'department-coordinator' })).status).toBe(200);
    const readonlyUser = await makeUser(t.db, 'readonly', ['marketing']);
    expect((await patch(readonlyUser.token, peer.id, { disabled: true })).status).toBe(403);
    expect((await patch(admin.token, admin.id, { role: 'readonly' })).status).toBe(422);
    expect((await patch(admin.token, admin.id, { disabled: true })).status).toBe(422);
  });

  it('a password or role change ends the user’s other sessions', async () => {
    const victim = await makeUser(t.db, 'agent-supervisor', ['marketing'], 'session-victim');
    const pair = await (await login(victim.username, TEST_PASSWORD)).json();
    expect((await meGET(request('GET', '/api/v1/me', { token: pair.accessToken }))).status).toBe(200);
    const res = await patch(mktAdmin.token, victim.id, { password: 'a-brand-new-passphrase-7' });
    expect(res.status).toBe(200);
    expect((await meGET(request('GET', '/api/v1/me', { token: pair.accessToken }))).status).toBe(401);
    expect((await refreshPOST(request('POST', '/api/v1/auth/refresh', { body: { refreshToken: pair.refreshToken } }))).status).toBe(401);
    expect((await login(victim.username, 'a-brand-new-passphrase-7')).status).toBe(200);
    const again = await (await login(victim.username, 'a-brand-new-passphrase-7')).json();
    expect((await patch(admin.token, victim.id, { role: 'readonly' })).status).toBe(200);
    expect((await meGET(request('GET', '/api/v1/me', { token: again.accessToken }))).status).toBe(401);
    const roleChange = await t.db.select().from(auditLog).where(eq(auditLog.action, 'user.role-change'));
    expect(roleChange.at(-1)?.detail).toMatchObject({ from: 'agent-supervisor', to: 'readonly' });
  });

  it('deletes a user (not oneself); an unknown or malformed id answers 404', async () => {
    const gone = await makeUser(t.db, 'readonly', ['marketing']);
    expect((await oneDELETE(request('DELETE', '/x', { token: mktAdmin.token }), params({ id: gone.id }))).status).toBe(204);
    expect((await oneGET(request('GET', '/x', { token: admin.token }), params({ id: gone.id }))).status).toBe(404);
    expect((await oneGET(request('GET', '/x', { token: admin.token }), params({ id: 'not-a-uuid' }))).status).toBe(404);
    expect((await oneDELETE(request('DELETE', '/x', { token: admin.token }), params({ id: admin.id }))).status).toBe(422);
  });

  it('registers a department coordinator; another department’s admin gets 404', async () => {
    const res = await coordPOST(
      request('POST', '/x', { token: mktAdmin.token, body: { username: 'mkt-coord-2', password: TEST_PASSWORD } }),
      params({ id: 'marketing' }),
    );
    expect(res.status).toBe(201);
    expect(await res.json()).toMatchObject({ role: 'department-coordinator', departmentIds: ['marketing'] });
    const other = await coordPOST(
      request('POST', '/x', { token: mktAdmin.token, body: { username: 'eng-coord-2', password: TEST_PASSWORD } }),
      params({ id: 'engineering' }),
    );
    expect(other.status).toBe(404);
  });
});

describe('MFA', () => {
  it('enrols with a code, then login needs the code; a recovery code works once', async () => {
    const user = await makeUser(t.db, 'auditor', [], 'mfa-user');
    const other = await makeUser(t.db, 'auditor');
    const mfa = (token: string, id: string, body: unknown) => mfaPOST(request('POST', '/x', { token, body }), params({ id }));
    expect((await mfa(admin.token, user.id, {})).status).toBe(403); // nobody enrols someone else
    const start = await mfa(user.token, user.id, {});
    expect(start.status).toBe(200);
    const enrol = await start.json();
    expect(enrol.otpauthUri).toMatch(/^otpauth:\/\/totp\/ECS:mfa-user\?secret=/);
    expect(enrol.recoveryCodes).toHaveLength(10);
    expect((await mfa(user.token, user.id, { code: '000000' })).status).toBe(400);
    expect((await mfa(user.token, user.id, { code: authenticator.generate(enrol.secret) })).status).toBe(200);
    const noCode = await login(user.username, TEST_PASSWORD, '10.1.0.9');
    expect(noCode.status).toBe(401);
    expect((await noCode.json()).mfaRequired).toBe(true);
    // The confirming code's time step is spent; the next step's code (inside the accepted window) signs in.
    expect((await login(user.username, TEST_PASSWORD, '10.1.0.9', authenticator.generate(enrol.secret))).status).toBe(401);
    expect(
      (await login(user.username, TEST_PASSWORD, '10.1.0.9', authenticator.clone({ epoch: Date.now() + 30_000 }).generate(enrol.secret)))
        .status,
    ).toBe(200);
    expect((await login(user.username, TEST_PASSWORD, '10.1.0.9', enrol.recoveryCodes[0])).status).toBe(200);
    expect((await login(user.username, TEST_PASSWORD, '10.1.0.9', enrol.recoveryCodes[0])).status).toBe(401);
    void other;
  });

  it('a role that must use MFA gets no API token before enrolling', async () => {
    const user = await makeUser(t.db, 'agent-supervisor', ['sales'], 'mfa-required');
    expect((await policyPUT(request('PUT', '/x', { token: mktAdmin.token, body: { requiredRoles: ['agent-supervisor'] } }))).status).toBe(
      403,
    );
    expect((await policyPUT(request('PUT', '/x', { token: admin.token, body: { requiredRoles: ['agent-supervisor'] } }))).status).toBe(200);
    const res = await login(user.username, TEST_PASSWORD, '10.1.0.10');
    expect(res.status).toBe(401);
    expect((await res.json()).mfaEnrollmentRequired).toBe(true);
    // The console sends such a user to /account/mfa until enrolled; other roles go on as before.
    expect(await mustEnrolMfa(t.db, principalFromUser(user))).toBe(true);
    expect(await mustEnrolMfa(t.db, principalFromUser(admin))).toBe(false);
    await policyPUT(request('PUT', '/x', { token: admin.token, body: { requiredRoles: [] } }));
    expect((await login(user.username, TEST_PASSWORD, '10.1.0.10')).status).toBe(200);
  });
});
