import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticator } from 'otplib';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser, TEST_PASSWORD } from '@/test/users';
import { consoleSignIn } from '@/test/console-sign-in';
import { consoleCookie } from '@/test/console-cookie';
import { agents } from '@/db/schema/work';
import { sha256 } from '@/lib/keys/secret';
import { admission } from '@/test/socket-admits';
import { startHarness, type Harness } from '@/test/harness';
import { PUT as policyPUT } from './security/mfa-policy/route';
import { GET as tasksGET } from './tasks/route';
import { PATCH as agentPATCH } from './agents/[id]/route';
import { POST as tokensPOST } from './tokens/route';
import { POST as mfaPOST } from './users/[id]/mfa/route';
import { POST as logoutPOST } from './auth/logout/route';
import { POST as tokenPOST } from './auth/token/route';
import { POST as refreshPOST } from './auth/refresh/route';

// Outside Next, next/headers has no request: it answers the headers of the browser whose server
// action runs (Auth.js's auth() reads the session cookie from them, as it does in Next).
const browser = vi.hoisted(() => ({ headers: new Headers() }));
vi.mock('next/headers', () => ({ headers: async () => browser.headers }));
const { action } = await import('@/app/_lib/action');
const { z } = await import('zod');
// The console's server-action wrapper around `work`, called as a form would call it.
const runAction = (name: string, work: () => Promise<{ ok: string }>, opts?: { mfaEnrolment?: boolean }) =>
  action(name, z.object({}), work, opts)({}, new FormData());

let t: TestDb;
let harness: Harness;
let admin: Awaited<ReturnType<typeof makeUser>>;
let agentId: string;
beforeAll(async () => {
  t = await createTestDb();
  harness = await startHarness({ loops: false });
  admin = await makeUser(t.db, 'super-admin');
  const [a] = await t.db
    .insert(agents)
    .values({
      departmentId: 'engineering',
      name: 'mfa-door-agent',
      type: 'worker',
      specialization: 'general',
      secretHash: sha256('unused'),
    })
    .returning({ id: agents.id });
  agentId = a.id;
});
afterAll(async () => {
  await harness.close();
  await t.drop();
});

const requireMfaFor = async (requiredRoles: string[]) =>
  expect((await policyPUT(request('PUT', '/api/v1/security/mfa-policy', { token: admin.token, body: { requiredRoles } }))).status).toBe(
    200,
  );

type Cred = { token?: string; cookie?: string };
const headersOf = (c: Cred): Record<string, string> => (c.cookie ? { cookie: c.cookie } : {});
const doors = (c: Cred) => ({
  tasks: () => tasksGET(request('GET', '/api/v1/tasks', { token: c.token, headers: headersOf(c) })),
  patchAgent: () =>
    agentPATCH(
      request('PATCH', `/api/v1/agents/${agentId}`, { token: c.token, headers: headersOf(c), body: { weight: 2 } }),
      params({ id: agentId }),
    ),
  newToken: () => tokensPOST(request('POST', '/api/v1/tokens', { token: c.token, headers: headersOf(c), body: { name: 'sneaky' } })),
});

async function expectEnrolmentRequired(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  expect(await res.json()).toMatchObject({ status: 401, mfaEnrollmentRequired: true });
}

describe('a role that must use MFA reaches nothing before enrolling', () => {
  it('a console session of an unenrolled user is refused on REST, actions and the console socket until MFA enrolment', async () => {
    await requireMfaFor(['agent-supervisor']);
    const sup = await makeUser(t.db, 'agent-supervisor', ['engineering']);
    // The console's own sign-in, with the password alone.
    const cookie = await consoleSignIn(harness.url, sup.username, TEST_PASSWORD);
    const rest = doors({ cookie });
    await expectEnrolmentRequired(await rest.tasks());
    await expectEnrolmentRequired(await rest.patchAgent());
    await expectEnrolmentRequired(await rest.newToken());

    const socket = await admission(`${harness.url}/console`, { cookie });
    socket.socket.close();
    expect(socket.admitted).toBe(false);
    expect(socket.data).toMatchObject({ status: 401, mfaEnrollmentRequired: true });

    // A server action never runs its work: the user is sent to the enrolment page instead.
    // As Next passes them on a plain-HTTP request (the proto picks Auth.js's cookie name).
    browser.headers = new Headers({ cookie, host: 'localhost', 'x-forwarded-proto': 'http' });
    const work = vi.fn(async () => ({ ok: 'done' }));
    await expect(runAction('agents.update', work)).rejects.toMatchObject({ digest: expect.stringContaining('/account/mfa') });
    expect(work).not.toHaveBeenCalled();

    // Enrolment itself stays open, through the REST endpoint and the enrolment page's actions.
    const enrolAction = vi.fn(async () => ({ ok: 'started' }));
    expect(await runAction('mfa.enrol', enrolAction, { mfaEnrolment: true })).toEqual({ ok: 'started' });
    const started = await mfaPOST(
      request('POST', `/api/v1/users/${sup.id}/mfa`, { headers: { cookie }, body: {} }),
      params({ id: sup.id }),
    );
    expect(started.status).toBe(200);
    const { secret } = await started.json();
    const confirmed = await mfaPOST(
      request('POST', `/api/v1/users/${sup.id}/mfa`, { headers: { cookie }, body: { code: authenticator.generate(secret) } }),
      params({ id: sup.id }),
    );
    expect(confirmed.status).toBe(200);

    // Enrolled: the same session now reaches everything its role allows.
    expect((await rest.tasks()).status).toBe(200);
    expect((await rest.patchAgent()).status).toBe(200);
    const socketAfter = await admission(`${harness.url}/console`, { cookie });
    socketAfter.socket.close();
    expect(socketAfter.admitted).toBe(true);
    await expect(runAction('agents.update', work)).resolves.toEqual({ ok: 'done' });
  });

  it('an access token or API token held before the role joined the policy is refused until enrolment', async () => {
    await requireMfaFor([]);
    const coord = await makeUser(t.db, 'department-coordinator', ['engineering']);
    const made = await doors({ token: coord.token }).newToken();
    expect(made.status).toBe(201);
    const apiToken = (await made.json()).token as string;
    expect((await doors({ token: apiToken }).tasks()).status).toBe(200);
    const { cookie } = await consoleCookie(t.db, coord);

    await requireMfaFor(['department-coordinator']);
    for (const cred of [{ token: coord.token }, { token: apiToken }, { cookie }]) {
      await expectEnrolmentRequired(await doors(cred).tasks());
      await expectEnrolmentRequired(await doors(cred).patchAgent());
    }
    await expectEnrolmentRequired(await doors({ token: coord.token }).newToken());
    const socket = await admission(`${harness.url}/console`, { token: coord.token });
    socket.socket.close();
    expect(socket.data).toMatchObject({ status: 401, mfaEnrollmentRequired: true });
    // Signing out stays possible.
    expect((await logoutPOST(request('POST', '/api/v1/auth/logout', { token: coord.token, body: {} }))).status).toBe(204);

    // Off the policy again, the same credentials work: nothing was revoked, only held back.
    await requireMfaFor([]);
    expect((await doors({ token: apiToken }).tasks()).status).toBe(200);
  });

  it('a refresh token obtained before the role joined the policy gets no new tokens until enrolment', async () => {
    await requireMfaFor([]);
    const sup = await makeUser(t.db, 'agent-supervisor', ['engineering']);
    const login = await tokenPOST(request('POST', '/api/v1/auth/token', { body: { username: sup.username, password: TEST_PASSWORD } }));
    expect(login.status).toBe(200);
    const { refreshToken } = await login.json();
    await requireMfaFor(['agent-supervisor']);
    await expectEnrolmentRequired(await refreshPOST(request('POST', '/api/v1/auth/refresh', { body: { refreshToken } })));
    await requireMfaFor([]);
  });
});
