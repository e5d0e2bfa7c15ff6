import type { Db } from '@/db/client';
import { findActiveApiToken, findUserForAuth, touchApiToken, type UserRow } from '@/db/queries/users';
import { agentCredential, consoleSessionState, refreshFamilyRevoked } from '@/db/queries/credentials';
import { mfaRequiredFor } from '../security/mfa-policy';
import { unauthorized } from '../errors';
import { narrowPermissions, rolePermissions, type Principal } from '../permissions/rbac';
import { peekTokenType, verifyToken, type AccessClaims, type AgentClaims } from '../keys/jwt';
import { takeTokenRequest } from '../quotas/tokens';
import { sha256 } from '../keys/secret';
import { timingSafeEqual } from 'node:crypto';

export const API_TOKEN_PREFIX = 'ecs_pat_';

export function principalFromUser(user: UserRow, ip?: string): Principal {
  return {
    kind: 'user',
    id: user.id,
    name: user.username,
    role: user.role,
    departmentIds: user.departmentIds,
    permissions: rolePermissions[user.role],
    ip,
  };
}

/**
 * How a request authenticated, and what it may still reach. `mfaEnrolment` is the one opt-out
 * from the MFA policy: only the enrolment endpoints (and sign-out) set it, so a user whose role
 * must use MFA can enrol, and nothing else, until they have.
 */
export type AuthOptions = { ip?: string; mfaEnrolment?: boolean };

/** The console's Auth.js session as its JWT carries it: user, session version, sign-in id. */
export type ConsoleSessionClaims = { uid: string; sv: number; sid: string };

/** A console session or access token stays valid only while the user's sessionVersion matches. */
export async function principalForSession(
  db: Db,
  userId: string,
  sessionVersion: number,
  opts: AuthOptions & { familyId?: string; consoleSessionId?: string } = {},
): Promise<Principal> {
  const user = await findUserForAuth(db, userId);
  if (!user || user.disabled || user.sessionVersion !== sessionVersion) throw unauthorized('Session ended');
  // Access tokens end with their refresh family (logout with the refresh token, reuse, MFA enrolment).
  if (opts.familyId !== undefined && (await refreshFamilyRevoked(db, opts.familyId))) throw unauthorized('Session ended');
  let idpMfa = false;
  if (opts.consoleSessionId !== undefined) {
    const session = await consoleSessionState(db, opts.consoleSessionId, user.id);
    if (!session) throw unauthorized('Session ended');
    // A single sign-on the provider did without MFA, for a user enrolled here: nothing opens, not
    // even enrolment, until the user gives their one-time code.
    if (session.mfaPending) throw unauthorized('Enter the one-time code from your authenticator app first', { mfaCodeRequired: true });
    idpMfa = session.idpMfa;
  }
  // The identity provider asserted MFA for this sign-in: the MFA policy is met.
  if (!idpMfa) await assertMfaEnrolled(db, user, opts);
  const principal = principalFromUser(user, opts.ip);
  if (opts.consoleSessionId) principal.sessionId = opts.consoleSessionId;
  if (opts.familyId) principal.familyId = opts.familyId;
  return principal;
}

/**
 * The console's session cookie, for REST, the console socket, pages and server actions alike.
 * A cookie without a sign-in id can't be signed out, so it is refused.
 */
export async function principalForConsoleSession(
  db: Db,
  claims: Partial<ConsoleSessionClaims> | null | undefined,
  opts: AuthOptions = {},
): Promise<Principal> {
  if (!claims || typeof claims.uid !== 'string' || typeof claims.sv !== 'number' || typeof claims.sid !== 'string')
    throw unauthorized('Session ended');
  return principalForSession(db, claims.uid, claims.sv, { ...opts, consoleSessionId: claims.sid });
}

/**
 * While the MFA policy names the user's role and they have not enrolled, every credential they
 * hold (cookie, access token, API token) opens the enrolment endpoints only: a password alone
 * must not reach what the policy protects, whichever door it comes through.
 */
async function assertMfaEnrolled(db: Db, user: UserRow, opts: AuthOptions): Promise<void> {
  if (user.mfaEnabled || opts.mfaEnrolment) return;
  if (await mfaRequiredFor(db, user.role)) {
    throw unauthorized('Your role must use MFA: enrol at /account/mfa in the console first', { mfaEnrollmentRequired: true });
  }
}

export async function principalForAgent(
  db: Db,
  agentId: string,
  opts: AuthOptions & { credentialVersion?: number } = {},
): Promise<Principal> {
  const agent = await agentCredential(db, agentId);
  if (!agent || agent.status === 'retired') throw unauthorized('Agent unknown or retired');
  // A token issued before the last secret rotation names an older version: refused.
  if (opts.credentialVersion !== undefined && agent.credentialVersion !== opts.credentialVersion)
    throw unauthorized('Token issued before a secret rotation');
  return {
    kind: 'agent',
    id: agent.id,
    agentId: agent.id,
    name: agent.name,
    role: 'agent',
    departmentIds: [agent.departmentId],
    permissions: rolePermissions.agent,
    ip: opts.ip,
  };
}

/** Bearer tokens: API tokens (`ecs_pat_<id>_<secret>`), user access tokens and agent tokens. */
export async function principalFromBearer(db: Db, token: string, opts: AuthOptions = {}): Promise<Principal> {
  if (token.startsWith(API_TOKEN_PREFIX)) return principalFromApiToken(db, token, opts);
  const typ = peekTokenType(token);
  if (typ === 'access') {
    const claims = await verifyToken<AccessClaims>(token, 'access');
    return principalForSession(db, claims.sub, claims.sv, { ...opts, familyId: typeof claims.fam === 'string' ? claims.fam : undefined });
  }
  if (typ === 'agent') {
    const claims = await verifyToken<AgentClaims>(token, 'agent');
    // Tokens made before credential versions existed carry none: they count as version 1.
    return principalForAgent(db, claims.sub, { ...opts, credentialVersion: typeof claims.cv === 'number' ? claims.cv : 1 });
  }
  throw unauthorized('Invalid token');
}

async function principalFromApiToken(db: Db, token: string, opts: AuthOptions): Promise<Principal> {
  const ip = opts.ip;
  const rest = token.slice(API_TOKEN_PREFIX.length);
  const sep = rest.indexOf('_');
  const id = rest.slice(0, sep);
  const secret = rest.slice(sep + 1);
  if (sep !== 36 || !/^[0-9a-f-]{36}$/.test(id) || !secret) throw unauthorized('Invalid token');
  const row = await findActiveApiToken(db, id);
  const given = Buffer.from(sha256(secret));
  if (!row || !timingSafeEqual(given, Buffer.from(row.token.secretHash))) throw unauthorized('Invalid token');
  if (row.token.expiresAt && row.token.expiresAt.getTime() < Date.now()) throw unauthorized('Token expired');
  if (row.user.disabled) throw unauthorized('Owner disabled');
  await assertMfaEnrolled(db, row.user, opts);
  await takeTokenRequest(db, id, row.token.quotaRequestsPerMinute);
  await touchApiToken(db, id);
  const base = principalFromUser(row.user, ip);
  return { ...base, kind: 'api-token', tokenId: id, permissions: narrowPermissions(base.permissions, row.token.permissions) };
}
