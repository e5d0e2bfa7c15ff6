import type { Db } from '@/db/client';
import { findUserByUsername, recordFailedLogin, recordSuccessfulLogin, type UserRow } from '@/db/queries/users';
import { env } from '../env';
import { locked, tooManyRequests, unauthorized } from '../errors';
import { audit } from '../audit/log';
import { burnVerifyTime, verifyPassword } from './password';
import { RateLimiter } from './rate-limit';
import { verifyMfaCode } from './mfa';
import type { LoginInput } from './schemas';
import { recordSecurityEvent } from '../security/events';
import { detectLoginFailure, detectNewIpLogin } from '../security/detect';
import { mfaRequiredFor } from '../security/mfa-policy';
import { recordLockout, recordLogin } from '../metrics/record';
import { log } from '../log';

// Failed logins per IP: 30 per 5 minutes, then 429 (credential stuffing comes from few IPs).
const ipFailures = new RateLimiter(30, 5 * 60_000);

export type LoginContext = { ip?: string; via: 'console' | 'api' };

/**
 * Checks a username, password and (when enrolled) a TOTP code. Unknown users and wrong
 * passwords answer the same 401 and spend the same hashing time, so usernames can't be probed.
 */
export async function authenticate(db: Db, input: LoginInput, ctx: LoginContext): Promise<UserRow> {
  const ipKey = ctx.ip ?? 'unknown';
  const wait = ipFailures.retryAfter(ipKey);
  if (wait > 0) {
    recordLogin('rate-limited');
    await audit(db, { kind: 'anonymous', name: input.username, ip: ctx.ip }, { action: 'auth.login', outcome: 'denied', detail: { reason: 'rate-limited', via: ctx.via } });
    throw tooManyRequests(wait);
  }
  const user = await findUserByUsername(db, input.username);
  const actor = { kind: 'user' as const, id: user?.id ?? '', name: input.username, ip: ctx.ip };
  if (!user) {
    await burnVerifyTime(input.password);
    await failed(db, actor, ipKey, 'unknown-user', ctx);
    throw unauthorized('Invalid username or password');
  }
  if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
    await burnVerifyTime(input.password);
    const seconds = Math.ceil((user.lockedUntil.getTime() - Date.now()) / 1000);
    recordLogin('locked');
    await audit(db, actor, { action: 'auth.login', outcome: 'denied', targetType: 'user', targetId: user.id, detail: { reason: 'locked', via: ctx.via } });
    await detectLoginFailure(db, { userId: user.id, username: user.username, ip: ctx.ip }).catch(logDetectError);
    throw locked(`Account locked for ${seconds} s after repeated failures`, { lockedForSeconds: seconds, retryAfter: seconds });
  }
  const passwordOk = await verifyPassword(user.passwordHash, input.password);
  if (!passwordOk || user.disabled) {
    const { failedAttempts, lockedUntil } = await recordFailedLogin(db, user.id, env().MAX_FAILED_ATTEMPTS, env().LOCKOUT_DURATION);
    await failed(db, actor, ipKey, user.disabled ? 'disabled' : 'bad-password', ctx);
    if (lockedUntil && lockedUntil.getTime() > Date.now() && failedAttempts >= env().MAX_FAILED_ATTEMPTS) {
      if (failedAttempts === env().MAX_FAILED_ATTEMPTS) {
        recordLockout();
        await audit(db, actor, { action: 'auth.lockout', outcome: 'success', targetType: 'user', targetId: user.id, detail: { failedAttempts } });
        await recordSecurityEvent(db, { kind: 'account-lockout', severity: 'high', userId: user.id, username: user.username, ip: ctx.ip, detail: { failedAttempts } });
      }
      const seconds = Math.ceil((lockedUntil.getTime() - Date.now()) / 1000);
      throw locked(`Account locked for ${seconds} s after repeated failures`, { lockedForSeconds: seconds, retryAfter: seconds });
    }
    throw unauthorized('Invalid username or password');
  }
  if (user.mfaEnabled) {
    if (!input.otp) {
      recordLogin('mfa-required');
      throw unauthorized('A one-time code is required', { mfaRequired: true });
    }
    if (!(await verifyMfaCode(db, user, input.otp))) {
      await recordFailedLogin(db, user.id, env().MAX_FAILED_ATTEMPTS, env().LOCKOUT_DURATION);
      await failed(db, actor, ipKey, 'bad-otp', ctx);
      throw unauthorized('Invalid one-time code', { mfaRequired: true });
    }
  }
  // A role that must use MFA can't get API tokens before enrolling; the console lets the user in
  // only as far as the enrolment page (app/(console)/layout.tsx).
  if (!user.mfaEnabled && ctx.via === 'api' && (await mfaRequiredFor(db, user.role))) {
    await audit(db, actor, { action: 'auth.login', outcome: 'denied', targetType: 'user', targetId: user.id, detail: { reason: 'mfa-enrolment-required', via: ctx.via } });
    throw unauthorized('Your role must use MFA: enrol at /account/mfa in the console first', { mfaEnrollmentRequired: true });
  }
  await detectNewIpLogin(db, user, ctx.ip).catch(logDetectError);
  await recordSuccessfulLogin(db, user.id, ctx.ip);
  recordLogin('success');
  await audit(db, actor, { action: 'auth.login', targetType: 'user', targetId: user.id, detail: { via: ctx.via } });
  return user;
}

async function failed(db: Db, actor: { kind: 'user'; id: string; name: string; ip?: string }, ipKey: string, reason: string, ctx: LoginContext) {
  ipFailures.hit(ipKey);
  recordLogin('failure');
  await audit(db, actor.id ? actor : { kind: 'anonymous', name: actor.name, ip: actor.ip }, {
    action: 'auth.login',
    outcome: 'failure',
    targetType: 'user',
    targetId: actor.id || undefined,
    detail: { reason, via: ctx.via },
  });
  await detectLoginFailure(db, { userId: actor.id || undefined, username: actor.name, ip: actor.ip }).catch(logDetectError);
}

// Detection must never turn a login answer into a 500.
const logDetectError = (err: unknown) => log().error({ err }, 'threat detection failed');
