import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { authenticator } from 'otplib';
import { eq, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { accessTokenFor, makeUser, TEST_PASSWORD } from '@/test/users';
import { findUserById } from '@/db/queries/users';
import { consoleCookie } from '@/test/console-cookie';
import { consoleSessions, refreshTokens, users } from '@/db/schema/auth';
import { agents } from '@/db/schema/work';
import { sha256 } from '@/lib/keys/secret';
import { startHarness, type Harness } from '@/test/harness';
import { admission, serverDisconnects } from '@/test/socket-admits';
import { consoleSignIn, consoleSignOut } from '@/test/console-sign-in';

// Auth.js's sign-in reads the client address through next/headers, which only Next provides.
vi.mock('next/headers', () => ({ headers: async () => new Headers() }));

let t: TestDb;
let h: Harness;
let admin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await createTestDb();
  h = await startHarness({ loops: false });
  admin = await makeUser(t.db, 'super-admin');
});
afterAll(async () => {
  await h.close();
  await t.drop();
});

type Cred = { token?: string; cookie?: string };
async function call(method: string, path: string, cred: Cred = {}, body?: unknown): Promise<Response> {
  const headers: Record<string, string> = {};
  if (cred.token) headers.authorization = `Bearer ${cred.token}`;
  if (cred.cookie) headers.cookie = cred.cookie;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${h.url}${path}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
}
const status = async (method: string, path: string, cred: Cred, body?: unknown) => (await call(method, path, cred, body)).status;
const me = (cred: Cred) => status('GET', '/api/v1/me', cred);

async function login(username: string): Promise<{ accessToken: string; refreshToken: string }> {
  const res = await call('POST', '/api/v1/auth/token', {}, { username, password: TEST_PASSWORD });
  expect(res.status).toBe(200);
  return res.json();
}

async function personalToken(cred: Cred): Promise<string> {
  const res = await call('POST', '/api/v1/tokens', cred, { name: 'script' });
  expect(res.status).toBe(201);
  return (await res.json()).token;
}

describe('credentials end with what should end them', () => {
  it('an agent token issued before a secret rotation is refused on REST and at the /agents socket, and its live socket is closed', async () => {
    const [agent] = await t.db
      .insert(agents)
      .values({
        departmentId: 'engineering',
        name: 'rotated-agent',
        type: 'worker',
        specialization: 'general',
        secretHash: sha256('first-secret-0123456789'),
      })
      .returning({ id: agents.id });
    const tokenOf = async (secret: string) => {
      const res = await call('POST', `/api/v1/agents/${agent.id}/token`, {}, { secret });
      expect(res.status).toBe(200);
      return (await res.json()).accessToken as string;
    };
    const old = await tokenOf('first-secret-0123456789');
    expect(await status('GET', '/api/v1/tasks', { token: old })).toBe(200);
    const live = await admission(`${h.url}/agents`, { token: old });
    expect(live.admitted).toBe(true);
    const closed = serverDisconnects(live.socket);

    const rotated = await call('POST', `/api/v1/agents/${agent.id}/secret`, { token: admin.token });
    expect(rotated.status).toBe(200);
    const { secret } = await rotated.json();

    expect(await closed).toBe('io server disconnect');
    expect(await status('GET', '/api/v1/tasks', { token: old })).toBe(401);
    const again = await admission(`${h.url}/agents`, { token: old });
    again.socket.close();
    expect(again).toMatchObject({ admitted: false, data: { status: 401 } });
    expect((await call('POST', `/api/v1/agents/${agent.id}/token`, {}, { secret: 'first-secret-0123456789' })).status).toBe(401);

    // The new secret's token works.
    const fresh = await tokenOf(secret);
    expect(await status('GET', '/api/v1/tasks', { token: fresh })).toBe(200);
    const next = await admission(`${h.url}/agents`, { token: fresh });
    next.socket.close();
    expect(next.admitted).toBe(true);
  });

  it('a personal API token is refused after an admin resets its owner’s password', async () => {
    const user = await makeUser(t.db, 'agent-supervisor', ['engineering']);
    const pat = await personalToken({ token: user.token });
    expect(await me({ token: pat })).toBe(200);
    expect(await status('PATCH', `/api/v1/users/${user.id}`, { token: admin.token }, { password: 'a-brand-new-passphrase-42' })).toBe(200);
    expect(await me({ token: pat })).toBe(401);
    // Revoked, not merely refused: the owner's token list shows it so.
    const owner = await accessTokenFor((await findUserById(t.db, user.id))!);
    const listed = await (await call('GET', '/api/v1/tokens?includeRevoked=true', { token: owner })).json();
    expect(listed.items[0].revokedAt).not.toBeNull();
  });

  it('a personal API token and every console session are refused after logout everywhere, and open console sockets close', async () => {
    const user = await makeUser(t.db, 'department-coordinator', ['engineering']);
    const pat = await personalToken({ token: user.token });
    const cookie = await consoleSignIn(h.url, user.username, TEST_PASSWORD);
    const pair = await login(user.username);
    for (const cred of [{ token: pat }, { cookie }, { token: pair.accessToken }]) expect(await me(cred)).toBe(200);
    const live = await admission(`${h.url}/console`, { cookie });
    expect(live).toMatchObject({ admitted: true });
    const closed = serverDisconnects(live.socket);
    expect(await status('POST', '/api/v1/auth/logout', { token: user.token }, { everywhere: true })).toBe(204);
    expect(await closed).toBe('io server disconnect');
    for (const cred of [{ token: pat }, { cookie }, { token: pair.accessToken }, { token: user.token }]) expect(await me(cred)).toBe(401);
    expect(await status('POST', '/api/v1/auth/refresh', {}, { refreshToken: pair.refreshToken })).toBe(401);
  });

  it('an access token is refused once logout revokes the refresh token it was issued with', async () => {
    const user = await makeUser(t.db, 'readonly');
    const pair = await login(user.username);
    const other = await login(user.username);
    expect(await me({ token: pair.accessToken })).toBe(200);
    expect(await status('POST', '/api/v1/auth/logout', { token: pair.accessToken }, { refreshToken: pair.refreshToken })).toBe(204);
    expect(await me({ token: pair.accessToken })).toBe(401);
    expect(await status('POST', '/api/v1/auth/refresh', {}, { refreshToken: pair.refreshToken })).toBe(401);
    // Another sign-in of the same user is its own family and stays.
    expect(await me({ token: other.accessToken })).toBe(200);
    // A rotated pair carries on its family: revoking the newest refresh token ends the access token too.
    const rotated = await (await call('POST', '/api/v1/auth/refresh', {}, { refreshToken: other.refreshToken })).json();
    expect(await me({ token: rotated.accessToken })).toBe(200);
    expect(await status('POST', '/api/v1/auth/logout', { token: rotated.accessToken }, { refreshToken: rotated.refreshToken })).toBe(204);
    expect(await me({ token: rotated.accessToken })).toBe(401);
    expect(await me({ token: other.accessToken })).toBe(401);
  });

  it('a console session cookie saved before sign-out is refused on /api/v1 and the console socket, and its open socket closes', async () => {
    const user = await makeUser(t.db, 'auditor');
    const cookie = await consoleSignIn(h.url, user.username, TEST_PASSWORD);
    const second = await consoleSignIn(h.url, user.username, TEST_PASSWORD);
    expect(await me({ cookie })).toBe(200);
    const live = await admission(`${h.url}/console`, { cookie });
    const other = await admission(`${h.url}/console`, { cookie: second });
    expect([live.admitted, other.admitted]).toEqual([true, true]);
    const closed = serverDisconnects(live.socket);
    expect(await consoleSignOut(h.url, cookie)).toBe(302);
    expect(await closed).toBe('io server disconnect');
    expect(other.socket.connected).toBe(true);
    other.socket.close();
    expect(await me({ cookie })).toBe(401);
    expect(await status('GET', '/api/v1/audit', { cookie })).toBe(401);
    const socket = await admission(`${h.url}/console`, { cookie });
    socket.socket.close();
    expect(socket).toMatchObject({ admitted: false, data: { status: 401 } });
    // Signing out in one browser leaves the user's other sign-in alone.
    expect(await me({ cookie: second })).toBe(200);
  });

  it('enrolling MFA ends refresh tokens and console sessions that were made with the password alone', async () => {
    const user = await makeUser(t.db, 'agent-supervisor', ['engineering']);
    const before = await login(user.username);
    const stolen = await consoleSignIn(h.url, user.username, TEST_PASSWORD);
    const enrolling = await consoleSignIn(h.url, user.username, TEST_PASSWORD);
    const start = await call('POST', `/api/v1/users/${user.id}/mfa`, { cookie: enrolling }, {});
    expect(start.status).toBe(200);
    const { secret } = await start.json();
    expect(await status('POST', `/api/v1/users/${user.id}/mfa`, { cookie: enrolling }, { code: authenticator.generate(secret) })).toBe(200);

    expect(await status('POST', '/api/v1/auth/refresh', {}, { refreshToken: before.refreshToken })).toBe(401);
    expect(await me({ token: before.accessToken })).toBe(401);
    expect(await me({ cookie: stolen })).toBe(401);
    // The session that enrolled carries on.
    expect(await me({ cookie: enrolling })).toBe(200);
  });

  it('an end written by another server process binds this one within a second', async () => {
    const user = await makeUser(t.db, 'readonly');
    const pair = await login(user.username);
    const { cookie, sid } = await consoleCookie(t.db, user);
    const other = await makeUser(t.db, 'readonly');
    expect(await me({ token: pair.accessToken })).toBe(200);
    expect(await me({ cookie })).toBe(200);
    expect(await me({ token: other.token })).toBe(200);
    // Written straight to the database, as another process would: this process's memory is not told.
    await t.db
      .update(refreshTokens)
      .set({ revokedAt: new Date() })
      .where(eq(refreshTokens.tokenHash, sha256(pair.refreshToken)));
    await t.db.update(consoleSessions).set({ endedAt: new Date() }).where(eq(consoleSessions.id, sid));
    await t.db
      .update(users)
      .set({ sessionVersion: sql`${users.sessionVersion} + 1` })
      .where(eq(users.id, other.id));
    await new Promise((r) => setTimeout(r, 1_050));
    expect(await me({ token: pair.accessToken })).toBe(401);
    expect(await me({ cookie })).toBe(401);
    expect(await me({ token: other.token })).toBe(401);
  });
});
