import { eq } from 'drizzle-orm';
import { authenticator } from 'otplib';
import type { Db } from '@/db/client';
import { users } from '@/db/schema/auth';
import type { UserRow } from '@/db/queries/users';
import { decryptSecret } from './crypto';
import { sha256 } from './secret';

authenticator.options = { window: 1 };

/** A TOTP code, or a one-use recovery code (consumed on success). */
export async function verifyMfaCode(db: Db, user: UserRow, code: string): Promise<boolean> {
  if (/^\d{6}$/.test(code) && user.mfaSecretEnc) {
    return authenticator.check(code, decryptSecret(user.mfaSecretEnc));
  }
  const hashed = sha256(code.toLowerCase());
  if (!user.recoveryCodeHashes.includes(hashed)) return false;
  await db
    .update(users)
    .set({ recoveryCodeHashes: user.recoveryCodeHashes.filter((h) => h !== hashed) })
    .where(eq(users.id, user.id));
  return true;
}
