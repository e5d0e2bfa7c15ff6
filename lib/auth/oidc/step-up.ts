import type { Db } from '@/db/client';
import { clearConsoleMfaPending, consoleSessionState } from '@/db/queries/credentials';
import { reserveAccountAttempt } from '@/db/queries/login-attempts';
import { findUserById, recordSuccessfulLogin } from '@/db/queries/users';
import { audit } from '../../audit/log';
import { env } from '../../env';
import { recordLogin } from '../../metrics/record';
import { endConsoleSignIn } from '../console-sessions';
import { verifyMfaCode } from '../mfa';

export type StepUpResult = 'verified' | 'bad-code' | 'locked' | 'not-pending';

/**
 * The one-time code a single sign-on owes when the provider did not assert MFA and the user is
 * enrolled here. Each try takes a slot of the account's failure count first, exactly as a password
 * login's code does, so guesses lock the account after MAX_FAILED_ATTEMPTS; the lock also ends
 * this sign-in, so the next try starts at the provider again.
 */
export async function verifySsoStepUp(
  db: Db,
  session: { userId: string; sessionId: string },
  code: string,
  ctx: { ip?: string } = {},
): Promise<StepUpResult> {
  const state = await consoleSessionState(db, session.sessionId, session.userId);
  const user = await findUserById(db, session.userId);
  if (!state?.mfaPending || !user || user.disabled) return 'not-pending';
  const actor = { kind: 'user' as const, id: user.id, name: user.username, ip: ctx.ip };
  const { MAX_FAILED_ATTEMPTS: max, LOCKOUT_DURATION: lockoutMs } = env();
  const attempt = await reserveAccountAttempt(db, user.id, max, lockoutMs);
  if (!attempt.granted) {
    await endConsoleSignIn(db, user.id, session.sessionId);
    await audit(db, actor, {
      action: 'auth.sso-mfa',
      outcome: 'denied',
      targetType: 'user',
      targetId: user.id,
      detail: { reason: 'locked' },
    });
    return 'locked';
  }
  if (!(await verifyMfaCode(db, user, code.trim()))) {
    recordLogin('failure');
    await audit(db, actor, {
      action: 'auth.sso-mfa',
      outcome: 'failure',
      targetType: 'user',
      targetId: user.id,
      detail: { reason: 'bad-otp' },
    });
    if (attempt.failedAttempts >= max) {
      await endConsoleSignIn(db, user.id, session.sessionId);
      return 'locked';
    }
    return 'bad-code';
  }
  if (!(await clearConsoleMfaPending(db, session.sessionId, user.id))) return 'not-pending';
  await recordSuccessfulLogin(db, user.id, ctx.ip);
  recordLogin('success');
  await audit(db, actor, { action: 'auth.sso-mfa', targetType: 'user', targetId: user.id });
  return 'verified';
}
