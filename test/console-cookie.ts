import { encode } from 'next-auth/jwt';
import type { Db } from '../db/client';
import type { UserRow } from '../db/queries/users';
import { insertConsoleSession } from '../db/queries/credentials';
import { authSecret } from '@/lib/keys/secret';

export const CONSOLE_COOKIE = 'authjs.session-token';

/**
 * The Cookie header a browser holds after signing in to the console: Auth.js's encrypted session
 * JWT, naming a sign-in row as app/auth.ts makes one.
 */
export async function consoleCookie(db: Db, user: Pick<UserRow, 'id' | 'sessionVersion'>): Promise<{ cookie: string; sid: string }> {
  const sid = await insertConsoleSession(db, user.id, new Date(Date.now() + 3600_000));
  const value = await encode({ token: { uid: user.id, sv: user.sessionVersion, sid }, secret: authSecret(), salt: CONSOLE_COOKIE });
  return { cookie: `${CONSOLE_COOKIE}=${value}`, sid };
}
