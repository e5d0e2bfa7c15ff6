import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser, TEST_PASSWORD } from '@/test/users';
import { securityEvents, users } from '@/db/schema/auth';
import { detection } from '@/lib/security/detect';
import { onLive, type LiveEvent } from '@/lib/live';
import { POST as tokenPOST } from '../auth/token/route';
import { POST as refreshPOST } from '../auth/refresh/route';
import { GET as deptGET } from '../departments/[id]/route';
import { GET as eventsGET } from './events/route';

let t: TestDb;
let auditor: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await createTestDb();
  auditor = await makeUser(t.db, 'auditor');
});
afterAll(() => t.drop());

const login = (username: string, password: string, ip: string) =>
  tokenPOST(request('POST', '/api/v1/auth/token', { body: { username, password }, headers: { 'x-ecs-client-ip': ip } }));
const eventsOf = async (kind: string) =>
  (await (await eventsGET(request('GET', `/api/v1/security/events?kind=${kind}`, { token: auditor.token }))).json()).items;

describe('threat detection', () => {
  it('brute force on one account: attempts beyond the lockout raise one high event, pushed live to security readers', async () => {
    const pushed: LiveEvent[] = [];
    const stop = onLive((e) => pushed.push(e));
    const victim = await makeUser(t.db, 'readonly', [], 'bf-victim');
    for (let i = 0; i < detection.bruteForce.attempts + 2; i++) await login(victim.username, 'wrong-password-123', '10.2.0.1');
    stop();
    const events = (await eventsOf('brute-force')).filter((e: { userId: string }) => e.userId === victim.id);
    expect(events).toHaveLength(1);
    expect(events[0].severity).toBe('high');
    const alert = pushed.find((e) => (e.data as { kind?: string }).kind === 'brute-force');
    expect(alert).toMatchObject({ type: 'alert', permission: 'security:read' });
  });

  it('credential stuffing: many usernames failing from one IP raise a critical event', async () => {
    for (let i = 0; i < detection.credentialStuffing.usernames; i++) await login(`leaked-user-${i}`, 'hunter2-hunter2', '10.2.0.2');
    const events = (await eventsOf('credential-stuffing')).filter((e: { ip: string }) => e.ip === '10.2.0.2');
    expect(events).toHaveLength(1);
    expect(events[0].severity).toBe('critical');
  });

  it('a burst of denied requests raises a medium event for that principal', async () => {
    const prober = await makeUser(t.db, 'department-coordinator', ['marketing']);
    for (let i = 0; i < detection.deniedBurst.denials; i++) {
      const res = await deptGET(request('GET', '/x', { token: prober.token }), params({ id: 'engineering' }));
      expect(res.status).toBe(404);
    }
    const events = (await eventsOf('denied-burst')).filter((e: { userId: string }) => e.userId === prober.id);
    expect(events).toHaveLength(1);
  });

  it('a privileged login from a new IP raises an event; a known IP or a readonly user does not', async () => {
    const boss = await makeUser(t.db, 'department-admin', ['hr'], 'hr-boss');
    expect((await login(boss.username, TEST_PASSWORD, '10.3.0.1')).status).toBe(200); // first address: learned
    expect((await login(boss.username, TEST_PASSWORD, '10.3.0.1')).status).toBe(200);
    expect((await eventsOf('new-ip-login')).filter((e: { userId: string }) => e.userId === boss.id)).toHaveLength(0);
    expect((await login(boss.username, TEST_PASSWORD, '203.0.113.7')).status).toBe(200);
    const events = (await eventsOf('new-ip-login')).filter((e: { userId: string }) => e.userId === boss.id);
    expect(events).toHaveLength(1);
    expect(events[0].ip).toBe('203.0.113.7');
    const [row] = await t.db.select().from(users).where(eq(users.id, boss.id));
    expect(row.knownIps).toEqual(expect.arrayContaining(['10.3.0.1', '203.0.113.7']));
  });

  it('a reused refresh token revokes the family and is recorded as a security event', async () => {
    const u = await makeUser(t.db, 'readonly', [], 'refresh-user');
    const first = await (await login(u.username, TEST_PASSWORD, '10.4.0.1')).json();
    const refresh = (token: string) => refreshPOST(request('POST', '/x', { body: { refreshToken: token } }));
    const second = await (await refresh(first.refreshToken)).json();
    expect(second.refreshToken).toBeTruthy();
    const asSecond = () => eventsGET(request('GET', '/api/v1/security/events', { token: second.accessToken }));
    expect((await asSecond()).status).toBe(403); // accepted as a credential (a readonly user may not read events)
    expect((await refresh(first.refreshToken)).status).toBe(401); // reuse
    expect((await asSecond()).status).toBe(401); // the family's access token stops at once, not when a cache runs out
    expect((await refresh(second.refreshToken)).status).toBe(401); // family revoked
    const events = await t.db.select().from(securityEvents).where(eq(securityEvents.userId, u.id));
    expect(events.map((e) => e.kind)).toContain('refresh-token-reuse');
  });

  it('lists events only to roles with security:read, newest first, paged', async () => {
    const coord = await makeUser(t.db, 'department-coordinator', ['marketing']);
    expect((await eventsGET(request('GET', '/api/v1/security/events', { token: coord.token }))).status).toBe(403);
    const page = await (await eventsGET(request('GET', '/api/v1/security/events?limit=2', { token: auditor.token }))).json();
    expect(page.items).toHaveLength(2);
    expect(page.nextCursor).toBeTruthy();
    const next = await (
      await eventsGET(request('GET', `/api/v1/security/events?limit=2&cursor=${page.nextCursor}`, { token: auditor.token }))
    ).json();
    expect(next.items[0].id).not.toBe(page.items[1].id);
    expect(Date.parse(next.items[0].at)).toBeLessThanOrEqual(Date.parse(page.items[1].at));
    expect((await eventsGET(request('GET', '/api/v1/security/events?cursor=garbage', { token: auditor.token }))).status).toBe(400);
  });
});
