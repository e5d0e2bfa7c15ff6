import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { request } from '@/test/http';
import { makeUser, TEST_PASSWORD } from '@/test/users';
import { auditLog, securityEvents, users } from '@/db/schema/auth';
import { metrics } from '@/lib/metrics/registry';
import { dummyPasswordHash } from '@/lib/auth/password';
import { env } from '@/lib/env';
import { POST as tokenPOST } from './token/route';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

// Each test comes from its own address, so one test's address limit can't touch another's.
const login = (username: string, password: string, ip: string) =>
  tokenPOST(request('POST', '/api/v1/auth/token', { body: { username, password }, headers: { 'x-ecs-client-ip': ip } }));

/** How many password hashes were verified while `work` ran: the attempts actually evaluated. */
async function countVerifications<T>(work: () => Promise<T>): Promise<{ result: T; verified: number }> {
  const before = (await metrics().passwordChecks.get()).values[0]?.value ?? 0;
  const result = await work();
  const after = (await metrics().passwordChecks.get()).values[0]?.value ?? 0;
  return { result, verified: after - before };
}

const tally = (statuses: number[]) =>
  statuses.reduce<Record<number, number>>((m, s) => {
    m[s] = (m[s] ?? 0) + 1;
    return m;
  }, {});

async function waitUntil(check: () => Promise<boolean>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not reached');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('password guessing in parallel', () => {
  it('parallel wrong passwords never evaluate more than the lockout limit', async () => {
    const max = env().MAX_FAILED_ATTEMPTS;
    const user = await makeUser(t.db, 'readonly', [], 'race-wrong');
    const { result, verified } = await countVerifications(() =>
      Promise.all(Array.from({ length: 20 }, (_, i) => login(user.username, `wrong-password-${i}`, '10.20.0.1'))),
    );
    expect(verified).toBe(max);
    // The attempts evaluated answer 401 until the one that reaches the limit; every other one 423.
    expect(tally(result.map((r) => r.status))).toEqual({ 401: max - 1, 423: 20 - max + 1 });
    const failures = await t.db.select().from(auditLog).where(eq(auditLog.targetId, user.id));
    expect(failures.filter((r) => r.action === 'auth.login' && (r.detail as { reason?: string }).reason === 'bad-password')).toHaveLength(
      max,
    );
    expect(failures.filter((r) => r.action === 'auth.lockout')).toHaveLength(1);
    // The lock holds for the right password too, and it isn't even checked.
    const { result: right, verified: rightVerified } = await countVerifications(() => login(user.username, TEST_PASSWORD, '10.20.0.1'));
    expect(right.status).toBe(423);
    expect(rightVerified).toBe(0);
  });

  it('the right password among parallel guesses is refused once they spent the limit', async () => {
    const max = env().MAX_FAILED_ATTEMPTS;
    const user = await makeUser(t.db, 'readonly', [], 'race-right');
    const { result, verified } = await countVerifications(async () => {
      const wrong = Array.from({ length: 19 }, (_, i) => login(user.username, `wrong-password-${i}`, '10.20.0.2'));
      // Sent while the guesses are still being answered: the lock is already there.
      await waitUntil(async () => {
        const [row] = await t.db.select({ lockedUntil: users.lockedUntil }).from(users).where(eq(users.id, user.id));
        return !!row.lockedUntil;
      });
      const right = login(user.username, TEST_PASSWORD, '10.20.0.2');
      return Promise.all([...wrong.slice(0, 10), right, ...wrong.slice(10)]);
    });
    expect(verified).toBe(max);
    expect(result[10].status).toBe(423);
    expect(result.filter((r) => r.status === 200)).toHaveLength(0);
  });

  it('parallel guesses from one address never evaluate more than the address limit', async () => {
    const { result, verified } = await countVerifications(() =>
      Promise.all(Array.from({ length: 40 }, (_, i) => login(`nobody-${i}`, 'wrong-password-123', '10.20.0.3'))),
    );
    expect(verified).toBe(30);
    expect(tally(result.map((r) => r.status))).toEqual({ 401: 30, 429: 10 });
    const limited = result.find((r) => r.status === 429)!;
    expect(limited.headers.get('content-type')).toContain('application/problem+json');
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    // Another address is unaffected, and a right password from it gives its slot back.
    const user = await makeUser(t.db, 'readonly', [], 'other-address');
    expect((await login(user.username, TEST_PASSWORD, '10.20.0.4')).status).toBe(200);
  });
});

describe('username enumeration', () => {
  it('an unknown username is locked after as many failures as a real account, with the same answers', async () => {
    const max = env().MAX_FAILED_ATTEMPTS;
    const user = await makeUser(t.db, 'readonly', [], 'enum-real');
    const answers = async (username: string, ip: string) => {
      const out: { status: number; body: Record<string, unknown>; retryAfter: boolean }[] = [];
      for (let i = 0; i < max + 2; i++) {
        const r = await login(username, 'wrong-password-123', ip);
        const body = await r.json();
        out.push({
          status: r.status,
          body: {
            title: body.title,
            detail: typeof body.detail === 'string' ? body.detail.replace(/\d+/g, 'N') : body.detail,
            locked: 'lockedForSeconds' in body,
          },
          retryAfter: r.headers.has('retry-after'),
        });
      }
      return out;
    };
    const real = await answers(user.username, '10.21.0.1');
    const unknown = await answers('enum-nobody', '10.21.0.2');
    expect(real.map((a) => a.status)).toEqual([...Array(max - 1).fill(401), 423, 423, 423]);
    expect(unknown).toEqual(real);
  });

  it('unknown usernames in parallel lock exactly like an account does', async () => {
    const max = env().MAX_FAILED_ATTEMPTS;
    const { result, verified } = await countVerifications(() =>
      Promise.all(Array.from({ length: 12 }, () => login('Enum-Parallel-Nobody', 'wrong-password-123', '10.21.0.3'))),
    );
    expect(verified).toBe(max);
    expect(tally(result.map((r) => r.status))).toEqual({ 401: max - 1, 423: 12 - max + 1 });
    // The name is matched as logins match it: case and surrounding blanks don't make a fresh counter.
    expect((await login('  enum-parallel-nobody ', 'wrong-password-123', '10.21.0.3')).status).toBe(423);
  });

  it('an unknown username runs the same password hash verification as a real one', async () => {
    const user = await makeUser(t.db, 'readonly', [], 'enum-hash');
    const known = await countVerifications(() => login(user.username, 'wrong-password-123', '10.21.0.4'));
    const unknown = await countVerifications(() => login('enum-hash-nobody', 'wrong-password-123', '10.21.0.4'));
    expect(known.verified).toBe(1);
    expect(unknown.verified).toBe(1);
    expect(unknown.result.status).toBe(known.result.status);
    expect((await unknown.result.json()).detail).toBe((await known.result.json()).detail);
    // Same algorithm, version, memory, time and parallelism as a real password hash: the same cost.
    const params = (h: string) => h.split('$').slice(1, 4).join('$');
    expect(params(await dummyPasswordHash())).toBe(params(user.passwordHash));
    expect(params(user.passwordHash)).toMatch(/^argon2id\$v=19\$m=\d+,t=\d+,p=\d+$/);
  });

  it('an unknown username reaching the limit is recorded like an account lockout', async () => {
    const max = env().MAX_FAILED_ATTEMPTS;
    for (let i = 0; i < max; i++) await login('enum-event-nobody', 'wrong-password-123', '10.21.0.5');
    const events = await t.db.select().from(securityEvents).where(eq(securityEvents.username, 'enum-event-nobody'));
    expect(events.map((e) => e.kind)).toEqual(['account-lockout']);
  });
});
