import { randomBytes } from 'node:crypto';
import { authenticator } from 'otplib';
import QRCode from 'qrcode';
import { z } from 'zod';
import type { Db } from '@/db/client';
import { findUserById } from '@/db/queries/users';
import { updateUserRow } from '@/db/queries/user-admin';
import { enableMfaRow } from '@/db/queries/mfa-codes';
import { endConsoleSessionsOf, revokeRefreshTokensOf } from '@/db/queries/credentials';
import { audit } from '../audit/log';
import { decryptSecret, encryptSecret } from '../keys/crypto';
import { totpStep } from '../auth/mfa';
import type { Principal } from '../permissions/rbac';
import { sha256 } from '../keys/secret';
import { env } from '../env';
import { badRequest, conflict, forbidden, notFound, unprocessable } from '../errors';

export const MFA_ISSUER = 'ECS';
const RECOVERY_CODES = 10;

export type MfaEnrolment = { status: 'pending'; secret: string; otpauthUri: string; recoveryCodes: string[] };

// The pending secret and the recovery-code hashes travel together, sealed, until a code confirms them.
const pendingSchema = z.object({ secret: z.string(), recovery: z.array(z.string()) });

/**
 * Starts enrolment: a new TOTP secret and recovery codes, shown once. Only the user themself may
 * enrol (an admin who saw the secret could pass the second factor); an admin can reset MFA instead.
 */
export async function startMfaEnrolment(db: Db, principal: Principal, userId: string): Promise<MfaEnrolment> {
  const user = await ownUser(db, principal, userId);
  if (user.mfaEnabled) throw conflict('MFA is already on for this account; an administrator can reset it');
  const secret = authenticator.generateSecret(20);
  const recoveryCodes = Array.from({ length: RECOVERY_CODES }, () => {
    const hex = randomBytes(5).toString('hex');
    return `${hex.slice(0, 5)}-${hex.slice(5)}`;
  });
  const sealed = encryptSecret(JSON.stringify({ secret, recovery: recoveryCodes.map((c) => sha256(c)) }));
  await updateUserRow(db, user.id, { mfaPendingSecretEnc: sealed });
  await audit(db, principal, {
    action: 'user.mfa-enrol',
    targetType: 'user',
    targetId: user.id,
    departmentId: user.departmentIds[0] ?? null,
  });
  return { status: 'pending', secret, otpauthUri: authenticator.keyuri(user.username, MFA_ISSUER, secret), recoveryCodes };
}

/** Confirms enrolment with a current code: the secret and recovery codes become active. */
export async function confirmMfaEnrolment(db: Db, principal: Principal, userId: string, code: string): Promise<{ status: 'enabled' }> {
  const user = await ownUser(db, principal, userId);
  if (user.mfaEnabled) throw conflict('MFA is already on for this account');
  if (!user.mfaPendingSecretEnc) throw conflict('Start enrolment first');
  const pending = pendingSchema.parse(JSON.parse(decryptSecret(user.mfaPendingSecretEnc)));
  const step = totpStep(code, pending.secret);
  if (step === null) {
    await audit(db, principal, { action: 'user.mfa-confirm', outcome: 'failure', targetType: 'user', targetId: user.id });
    throw badRequest('That code is not valid', [{ path: 'code', message: 'Not the current code; check the device clock' }]);
  }
  // The confirming code's step counts as used, so it can't also sign in; parallel confirmations enable once.
  const enabled = await enableMfaRow(db, user.id, user.mfaPendingSecretEnc, {
    mfaSecretEnc: encryptSecret(pending.secret),
    recoveryCodeHashes: pending.recovery,
    lastTotpStep: step,
  });
  if (!enabled) throw conflict('MFA is already on for this account');
  await endPasswordOnlySessions(db, user.id, principal);
  await audit(db, principal, {
    action: 'user.mfa-enable',
    targetType: 'user',
    targetId: user.id,
    departmentId: user.departmentIds[0] ?? null,
  });
  return { status: 'enabled' };
}

/**
 * Whoever held the password alone before enrolment (a thief too) keeps nothing: the user's refresh
 * tokens are revoked (their access tokens end with their families) and every console sign-in; the
 * session or token family doing the enrolment stays.
 */
async function endPasswordOnlySessions(db: Db, userId: string, current: Principal): Promise<void> {
  await revokeRefreshTokensOf(db, userId, current.familyId);
  await endConsoleSessionsOf(db, userId, current.sessionId);
}

/** The otpauth URI as an SVG QR code, drawn on the server (no third-party image service sees the secret). */
export function qrSvg(otpauthUri: string): Promise<string> {
  return QRCode.toString(otpauthUri, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' });
}

async function ownUser(db: Db, principal: Principal, userId: string) {
  if (!env().ENABLE_MFA) throw unprocessable('MFA is switched off on this server (ENABLE_MFA=false)');
  if (principal.kind !== 'user') throw forbidden('MFA is enrolled from a signed-in session, not with a token');
  if (principal.id !== userId) throw forbidden('Only the user themself can enrol MFA; an administrator can reset it');
  const user = await findUserById(db, userId);
  if (!user) throw notFound('User');
  return user;
}
