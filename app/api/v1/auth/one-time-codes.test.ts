import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { authenticator } from 'otplib';
import { createTestDb, type TestDb } from '@/test/test-db';
import { request } from '@/test/http';
import { makeUser, TEST_PASSWORD } from '@/test/users';
import { principalOf } from '@/test/principals';
import { confirmMfaEnrolment, startMfaEnrolment } from '@/lib/users/mfa';
import { POST as tokenPOST } from './token/route';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb();
});
afterAll(() => t.drop());

const login = (username: string, otp: string, ip: string) =>
  tokenPOST(
    request('POST', '/api/v1/auth/token', { body: { username, password: TEST_PASSWORD, otp }, headers: { 'x-ecs-client-ip': ip } }),
  );

// A code of the time step `steps` away from now; the accepted window is one step either side.
const codeAt = (secret: string, steps: number) => authenticator.clone({ epoch: Date.now() + steps * 30_000 }).generate(secret);

/** A user with MFA on, enrolled through the same lib/ functions the console uses. */
async function enrolled(name: string) {
  const user = await makeUser(t.db, 'auditor', [], name);
  const self = principalOf('auditor', [], user.id);
  const e = await startMfaEnrolment(t.db, self, user.id);
  await confirmMfaEnrolment(t.db, self, user.id, authenticator.generate(e.secret));
  return { user, self, secret: e.secret, recoveryCodes: e.recoveryCodes };
}

const ok = (rs: Response[]) => rs.filter((r) => r.status === 200).length;

describe('one-time code replay', () => {
  it('a TOTP code sent in parallel logins signs in once', async () => {
    const { user, secret } = await enrolled('otp-parallel');
    const code = codeAt(secret, 1);
    const answers = await Promise.all(Array.from({ length: 5 }, () => login(user.username, code, '10.40.0.1')));
    expect(ok(answers)).toBe(1);
  });

  it('a TOTP code that signed in is refused the second time, and so is an older one', async () => {
    const { user, secret } = await enrolled('otp-sequential');
    // Both made up front, so a step boundary passing during the test changes neither.
    const [next, current] = [codeAt(secret, 1), codeAt(secret, 0)];
    expect((await login(user.username, next, '10.40.0.2')).status).toBe(200);
    expect((await login(user.username, next, '10.40.0.2')).status).toBe(401);
    // Still inside the window, but a step before the one already used.
    expect((await login(user.username, current, '10.40.0.2')).status).toBe(401);
  });

  it("the code that confirmed MFA enrolment can't be replayed to sign in", async () => {
    const user = await makeUser(t.db, 'auditor', [], 'otp-enrol-replay');
    const self = principalOf('auditor', [], user.id);
    const e = await startMfaEnrolment(t.db, self, user.id);
    const code = authenticator.generate(e.secret);
    await confirmMfaEnrolment(t.db, self, user.id, code);
    expect((await login(user.username, code, '10.40.0.3')).status).toBe(401);
  });

  it('confirming MFA enrolment in parallel with one code enables it once', async () => {
    const user = await makeUser(t.db, 'auditor', [], 'otp-enrol-parallel');
    const self = principalOf('auditor', [], user.id);
    const e = await startMfaEnrolment(t.db, self, user.id);
    const code = authenticator.generate(e.secret);
    const results = await Promise.allSettled(Array.from({ length: 3 }, () => confirmMfaEnrolment(t.db, self, user.id, code)));
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    expect(
      results.filter((r) => r.status === 'rejected').map((r) => ((r as PromiseRejectedResult).reason as { status: number }).status),
    ).toEqual([409, 409]);
  });

  it('a recovery code used five times in parallel signs in once', async () => {
    const { user, recoveryCodes } = await enrolled('recovery-parallel');
    const answers = await Promise.all(Array.from({ length: 5 }, () => login(user.username, recoveryCodes[0], '10.40.0.4')));
    expect(ok(answers)).toBe(1);
    // The other codes are untouched.
    expect((await login(user.username, recoveryCodes[1], '10.40.0.4')).status).toBe(200);
  });
});
