import { authenticator } from 'otplib';
import type { Db } from '@/db/client';
import type { UserRow } from '@/db/queries/users';
import { claimTotpStep, consumeRecoveryCode } from '@/db/queries/mfa-codes';
import { decryptSecret } from '../keys/crypto';
import { sha256 } from '../keys/secret';

/**
 * Our own TOTP settings, on a copy: setting otplib's shared instance would change every other
 * user of it in the process. One step either side tolerates clock drift.
 */
const totp = authenticator.clone({ window: 1 });

/**
 * The time step a TOTP code belongs to (within the accepted window), or null when it matches none.
 * The step, not the code, is what may be used only once.
 */
export function totpStep(code: string, secret: string, at = Date.now()): number | null {
  // A copy with a fixed clock, so the step we store is the one the code was checked at.
  const fixed = totp.clone({ epoch: at });
  const delta = fixed.checkDelta(code, secret);
  if (delta === null) return null;
  return Math.floor(at / 1000 / fixed.allOptions().step) + delta;
}

/**
 * A TOTP code, accepted at most once per time step per user (a replayed or older code fails), or
 * a one-use recovery code, consumed atomically (of parallel uses, one succeeds).
 */
export async function verifyMfaCode(db: Db, user: UserRow, code: string): Promise<boolean> {
  if (/^\d{6}$/.test(code) && user.mfaSecretEnc) {
    const step = totpStep(code, decryptSecret(user.mfaSecretEnc));
    return step !== null && (await claimTotpStep(db, user.id, step));
  }
  return consumeRecoveryCode(db, user.id, sha256(code.toLowerCase()));
}
