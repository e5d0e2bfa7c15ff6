import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { request } from '@/test/http';
import { makeUser, TEST_PASSWORD } from '@/test/users';
import { auditLog, securityEvents } from '@/db/schema/auth';
import { resetEnvCache } from '@/lib/env';
import { POST as tokenPOST } from './token/route';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());
afterEach(() => {
  delete process.env.LOCKOUT_DURATION;
  resetEnvCache();
});

// Each test comes from its own address, so the per-IP limiter of one test can't affect another.
const login = (username: string, password: string, ip: string) =>
  tokenPOST(request('POST', '/api/v1/auth/token', { body: { username, password }, headers: { 'x-ecs-client-ip': ip } }));

describe('account lockout', () => {
  it('six concurrent bad logins lock the account: 423 with the time left, one lockout event', async () => {
    const user = await makeUser(t.db, 'readonly', [], 'lock-concurrent');
    const answers = await Promise.all(Array.from({ length: 6 }, () => login(user.username, 'wrong-password-123', '10.0.0.1')));
    const statuses = answers.map((r) => r.status).sort();
    // Attempts 1-4 are plain failures; the 5th reaches the limit and locks; the 6th is refused as locked.
    expect(statuses).toEqual([401, 401, 401, 401, 423, 423]);
    const locked = answers.find((r) => r.status === 423)!;
    expect(Number(locked.headers.get('retry-after'))).toBeGreaterThan(800);
    expect((await locked.json()).lockedForSeconds).toBeGreaterThan(800);
    // Even the right password is refused while locked.
    expect((await login(user.username, TEST_PASSWORD, '10.0.0.1')).status).toBe(423);
    const lockouts = await t.db.select().from(auditLog).where(eq(auditLog.action, 'auth.lockout'));
    expect(lockouts.filter((r) => r.targetId === user.id)).toHaveLength(1);
    const events = await t.db.select().from(securityEvents).where(eq(securityEvents.userId, user.id));
    expect(events.map((e) => e.kind)).toContain('account-lockout');
  });

  it('six sequential bad logins: the fifth and sixth answer 423', async () => {
    const user = await makeUser(t.db, 'readonly', [], 'lock-sequential');
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await login(user.username, 'wrong-password-123', '10.0.0.2')).status);
    expect(statuses).toEqual([401, 401, 401, 401, 423, 423]);
  });

  it('the lock lifts after LOCKOUT_DURATION, and a later mistake starts a fresh count', async () => {
    process.env.LOCKOUT_DURATION = '1500';
    resetEnvCache();
    const user = await makeUser(t.db, 'readonly', [], 'lock-expires');
    for (let i = 0; i < 5; i++) await login(user.username, 'wrong-password-123', '10.0.0.3');
    expect((await login(user.username, TEST_PASSWORD, '10.0.0.3')).status).toBe(423);
    await new Promise((r) => setTimeout(r, 1700));
    expect((await login(user.username, 'wrong-password-123', '10.0.0.3')).status).toBe(401);
    expect((await login(user.username, TEST_PASSWORD, '10.0.0.3')).status).toBe(200);
  });

  it('an unknown user and a wrong password answer alike', async () => {
    const user = await makeUser(t.db, 'readonly', [], 'same-answer');
    const a = await login('nobody-here', 'wrong-password-123', '10.0.0.4');
    const b = await login(user.username, 'wrong-password-123', '10.0.0.4');
    expect(a.status).toBe(401);
    expect(b.status).toBe(401);
    expect((await a.json()).detail).toBe((await b.json()).detail);
  });

  it('failures from one IP beyond the limit answer 429 with Retry-After, even for a right password', async () => {
    const user = await makeUser(t.db, 'readonly', [], 'ip-limited');
    for (let i = 0; i < 30; i++) await login(`nobody-${i}`, 'wrong-password-123', '10.0.0.9');
    const limited = await login(user.username, TEST_PASSWORD, '10.0.0.9');
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is unaffected.
    expect((await login(user.username, TEST_PASSWORD, '10.0.0.10')).status).toBe(200);
  });
});
