import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser, TEST_PASSWORD } from '@/test/users';
import { findUserById } from '@/db/queries/users';
import { POST as createPOST } from './route';
import { DELETE as oneDELETE, PATCH as onePATCH } from './[id]/route';
import { POST as coordPOST } from '../departments/[id]/coordinators/route';

let t: TestDb;
let engAdmin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await createTestDb();
  engAdmin = await makeUser(t.db, 'department-admin', ['engineering']);
});
afterAll(() => t.drop());

const create = (body: unknown) => createPOST(request('POST', '/api/v1/users', { token: engAdmin.token, body }));
const patch = (id: string, body: unknown) =>
  onePATCH(request('PATCH', `/api/v1/users/${id}`, { token: engAdmin.token, body }), params({ id }));
const remove = (id: string) => oneDELETE(request('DELETE', `/api/v1/users/${id}`, { token: engAdmin.token }), params({ id }));
let n = 0;
const newUser = (role: string) => ({ username: `minted-${role}-${++n}`, password: TEST_PASSWORD, role, departmentIds: ['engineering'] });

describe('a department admin grants nothing that reaches past its departments', () => {
  it('a department admin cannot mint an auditor, a readonly user or a super-admin', async () => {
    for (const role of ['auditor', 'readonly', 'super-admin']) {
      const res = await create(newUser(role));
      expect(res.status, role).toBe(403);
      expect((await res.json()).detail).toContain(role);
    }
    // Roles bound to the admin's own departments are still its to grant.
    for (const role of ['department-coordinator', 'agent-supervisor']) expect((await create(newUser(role))).status, role).toBe(201);
  });

  it('a department admin cannot promote one of its users to an organisation-wide role', async () => {
    const member = await makeUser(t.db, 'agent-supervisor', ['engineering']);
    for (const role of ['auditor', 'readonly']) expect((await patch(member.id, { role })).status, role).toBe(403);
    expect((await findUserById(t.db, member.id))?.role).toBe('agent-supervisor');
    expect((await patch(member.id, { role: 'department-coordinator' })).status).toBe(200);
  });

  it('a department admin cannot take over a user shared with another department', async () => {
    const shared = await makeUser(t.db, 'department-coordinator', ['engineering', 'finance']);
    const before = await findUserById(t.db, shared.id);
    const attempts = [
      { password: 'a-whole-new-passphrase-7' },
      { role: 'agent-supervisor' },
      { disabled: true },
      { departmentIds: ['engineering'] },
      { unlock: true },
      { resetMfa: true },
    ];
    for (const body of attempts) expect((await patch(shared.id, body)).status, JSON.stringify(body)).toBe(403);
    expect((await remove(shared.id)).status).toBe(403);
    const after = await findUserById(t.db, shared.id);
    expect(after).toMatchObject({
      passwordHash: before?.passwordHash,
      role: 'department-coordinator',
      disabled: false,
      departmentIds: ['engineering', 'finance'],
      sessionVersion: before?.sessionVersion,
    });
    // A user wholly inside the admin's departments stays its to manage.
    const own = await makeUser(t.db, 'department-coordinator', ['engineering']);
    expect((await patch(own.id, { password: 'a-whole-new-passphrase-7' })).status).toBe(200);
    expect((await remove(own.id)).status).toBe(204);
  });

  it('registering a coordinator still works for the admin of that department', async () => {
    const res = await coordPOST(
      request('POST', '/api/v1/departments/engineering/coordinators', {
        token: engAdmin.token,
        body: { username: `coord-${++n}`, password: TEST_PASSWORD },
      }),
      params({ id: 'engineering' }),
    );
    expect(res.status).toBe(201);
  });
});
