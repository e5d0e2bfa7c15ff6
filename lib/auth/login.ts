import type { Db } from '@/db/client';
import { findUserByUsername, recordSuccessfulLogin, type UserRow } from '@/db/queries/users';
import { releaseAccountAttempt, reserveAccountAttempt, reserveNameAttempt, type AttemptSlot } from '@/db/queries/login-attempts';
import { env } from '../env';
import { locked, tooManyRequests, unauthorized } from '../errors';
import { audit } from '../audit/log';
import { dummyPasswordHash, verifyPassword } from './password';
import { giveBack, loginAddressLimit, takeSlot } from './rate-limit';
import { verifyMfaCode } from './mfa';
import type { LoginInput } from './schemas';
import { recordSecurityEvent } from '../security/events';
import { detectLoginFailure, detectNewIpLogin } from '../security/detect';
import { mfaRequiredFor } from '../security/mfa-policy';
import { recordLockout, recordLogin } from '../metrics/record';
import { log } from '../log';

export type LoginContext = { ip?: string; via: 'console' | 'api' };

type Actor = { kind: 'user'; id: string; name: string; ip?: string };

/**
 * Checks a username, password and (when enrolled) a one-time code.
 *
 * Every attempt takes its slot (per address, then per account) before anything secret is
 * checked, so parallel guesses can't all be evaluated before the first failure is counted.
 * A username no account has goes through the same steps against a counter of its own and a
 * throw-away hash with the same parameters: same statements, same hashing time, same 401 and the
 * same 423 after the same number of failures, so usernames can't be probed.
 */
export async function authenticate(db: Db, input: LoginInput, ctx: LoginContext): Promise<UserRow> {
  const { MAX_FAILED_ATTEMPTS: max, LOCKOUT_DURATION: lockoutMs } = env();
  const name = input.username.trim().toLowerCase();
  const ipSlot = await takeSlot(db, `login-ip:${ctx.ip ?? 'unknown'}`, loginAddressLimit);
  if (!ipSlot.granted) {
    recordLogin('rate-limited');
    await audit(
      db,
      { kind: 'anonymous', name, ip: ctx.ip },
      { action: 'auth.login', outcome: 'denied', detail: { reason: 'rate-limited', via: ctx.via } },
    );
    throw tooManyRequests(ipSlot.retryAfter);
  }
  const user = await findUserByUsername(db, name);
  const actor: Actor = { kind: 'user', id: user?.id ?? '', name, ip: ctx.ip };
  const attempt = user ? await reserveAccountAttempt(db, user.id, max, lockoutMs) : await reserveNameAttempt(db, name, max, lockoutMs);
  if (!attempt.granted) {
    // Nothing was checked, so the address keeps its slot for a real attempt.
    await giveBack(db, ipSlot);
    recordLogin('locked');
    await audit(db, actor.id ? actor : anonymous(actor), {
      action: 'auth.login',
      outcome: 'denied',
      targetType: 'user',
      targetId: user?.id,
      detail: { reason: 'locked', via: ctx.via },
    });
    await detectLoginFailure(db, { userId: user?.id, username: name, ip: ctx.ip }).catch(logDetectError);
    throw lockedError(attempt.lockedUntil);
  }
  const passwordOk = await verifyPassword(user?.passwordHash ?? (await dummyPasswordHash()), input.password);
  if (!user || !passwordOk || user.disabled) {
    await refuse(db, actor, attempt, !user ? 'unknown-user' : user.disabled ? 'disabled' : 'bad-password', ctx);
    throw unauthorized('Invalid username or password');
  }
  if (user.mfaEnabled) {
    if (!input.otp) {
      // The right password alone is not a failure, nor a success that would clear the count.
      await releaseAccountAttempt(db, user.id, max);
      await giveBack(db, ipSlot);
      recordLogin('mfa-required');
      throw unauthorized('A one-time code is required', { mfaRequired: true });
    }
    if (!(await verifyMfaCode(db, user, input.otp))) {
      await refuse(db, actor, attempt, 'bad-otp', ctx);
      throw unauthorized('Invalid one-time code', { mfaRequired: true });
    }
  }
  // A role that must use MFA can't get API tokens before enrolling; the console lets the user in
  // only as far as the enrolment page (app/(console)/layout.tsx).
  if (!user.mfaEnabled && ctx.via === 'api' && (await mfaRequiredFor(db, user.role))) {
    await releaseAccountAttempt(db, user.id, max);
    await giveBack(db, ipSlot);
    await audit(db, actor, {
      action: 'auth.login',
      outcome: 'denied',
      targetType: 'user',
      targetId: user.id,
      detail: { reason: 'mfa-enrolment-required', via: ctx.via },
    });
    throw unauthorized('Your role must use MFA: enrol at /account/mfa in the console first', { mfaEnrollmentRequired: true });
  }
  await detectNewIpLogin(db, user, ctx.ip).catch(logDetectError);
  await recordSuccessfulLogin(db, user.id, ctx.ip);
  await giveBack(db, ipSlot);
  recordLogin('success');
  await audit(db, actor, { action: 'auth.login', targetType: 'user', targetId: user.id, detail: { via: ctx.via } });
  return user;
}

/**
 * A failed attempt keeps its slots (address and account). The attempt that reached the limit
 * records the lockout, for an unknown username too, and answers 423 as every later one will.
 */
async function refuse(db: Db, actor: Actor, attempt: AttemptSlot & { granted: true }, reason: string, ctx: LoginContext): Promise<void> {
  const max = env().MAX_FAILED_ATTEMPTS;
  recordLogin('failure');
  await audit(db, actor.id ? actor : anonymous(actor), {
    action: 'auth.login',
    outcome: 'failure',
    targetType: 'user',
    targetId: actor.id || undefined,
    detail: { reason, via: ctx.via },
  });
  await detectLoginFailure(db, { userId: actor.id || undefined, username: actor.name, ip: actor.ip }).catch(logDetectError);
  if (attempt.failedAttempts < max) return;
  if (attempt.failedAttempts === max) {
    recordLockout();
    const detail = actor.id ? { failedAttempts: max } : { failedAttempts: max, unknownUser: true };
    await audit(db, actor.id ? actor : anonymous(actor), {
      action: 'auth.lockout',
      outcome: 'success',
      targetType: 'user',
      targetId: actor.id || undefined,
      detail,
    });
    await recordSecurityEvent(db, {
      kind: 'account-lockout',
      severity: 'high',
      userId: actor.id || undefined,
      username: actor.name,
      ip: ctx.ip,
      detail,
    });
  }
  throw lockedError(attempt.lockedUntil);
}

function lockedError(lockedUntil: Date | null) {
  const seconds = Math.max(1, Math.ceil(((lockedUntil?.getTime() ?? Date.now()) - Date.now()) / 1000));
  return locked(`Account locked for ${seconds} s after repeated failures`, { lockedForSeconds: seconds, retryAfter: seconds });
}

const anonymous = (a: Actor) => ({ kind: 'anonymous' as const, name: a.name, ip: a.ip });

// Detection must never turn a login answer into a 500.
const logDetectError = (err: unknown) => log().error({ err }, 'threat detection failed');
