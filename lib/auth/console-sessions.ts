import type { Db } from '@/db/client';
import { endConsoleSession, insertConsoleSession, type ConsoleSessionState } from '@/db/queries/credentials';
import { emitDomain } from '../live';

/** An upper bound for the sign-in row; the cookie's own expiry (renewed while in use) ends it sooner. */
const CONSOLE_SESSION_MAX_MS = 30 * 24 * 3600_000;

/**
 * A console sign-in as a row the session cookie names (`sid`): the cookie is a stateless JWT.
 * A single sign-on also records how it met the MFA policy (lib/auth/principal.ts reads it).
 */
export function startConsoleSession(db: Db, userId: string, mfa: Partial<ConsoleSessionState> = {}): Promise<string> {
  return insertConsoleSession(db, userId, new Date(Date.now() + CONSOLE_SESSION_MAX_MS), mfa);
}

/** Signing out ends the row, so a copy of the cookie is refused everywhere, and closes its sockets. */
export async function endConsoleSignIn(db: Db, userId: string | undefined, sessionId: string): Promise<void> {
  await endConsoleSession(db, sessionId);
  if (userId) emitDomain('user:credentials-ended', { userId, sessionId });
}
