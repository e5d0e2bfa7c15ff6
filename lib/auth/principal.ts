import { eq } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { agents } from '@/db/schema/work';
import { findActiveApiToken, findUserForAuth, touchApiToken, type UserRow } from '@/db/queries/users';
import { unauthorized } from '../errors';
import { narrowPermissions, rolePermissions, type Principal } from './rbac';
import { peekTokenType, verifyToken, type AccessClaims, type AgentClaims } from './jwt';
import { sha256 } from './secret';
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

/** A console session or access token stays valid only while the user's sessionVersion matches. */
export async function principalForSession(db: Db, userId: string, sessionVersion: number, ip?: string): Promise<Principal> {
  const user = await findUserForAuth(db, userId);
  if (!user || user.disabled || user.sessionVersion !== sessionVersion) throw unauthorized('Session ended');
  return principalFromUser(user, ip);
}

export async function principalForAgent(db: Db, agentId: string, ip?: string): Promise<Principal> {
  const [agent] = await db
    .select({ id: agents.id, name: agents.name, departmentId: agents.departmentId, status: agents.status })
    .from(agents)
    .where(eq(agents.id, agentId))
    .limit(1);
  if (!agent || agent.status === 'retired') throw unauthorized('Agent unknown or retired');
  return {
    kind: 'agent',
    id: agent.id,
    agentId: agent.id,
    name: agent.name,
    role: 'agent',
    departmentIds: [agent.departmentId],
    permissions: rolePermissions.agent,
    ip,
  };
}

/** Bearer tokens: API tokens (`ecs_pat_<id>_<secret>`), user access tokens and agent tokens. */
export async function principalFromBearer(db: Db, token: string, ip?: string): Promise<Principal> {
  if (token.startsWith(API_TOKEN_PREFIX)) return principalFromApiToken(db, token, ip);
  const typ = peekTokenType(token);
  if (typ === 'access') {
    const claims = await verifyToken<AccessClaims>(token, 'access');
    return principalForSession(db, claims.sub, claims.sv, ip);
  }
  if (typ === 'agent') {
    const claims = await verifyToken<AgentClaims>(token, 'agent');
    return principalForAgent(db, claims.sub, ip);
  }
  throw unauthorized('Invalid token');
}

async function principalFromApiToken(db: Db, token: string, ip?: string): Promise<Principal> {
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
  await touchApiToken(db, id);
  const base = principalFromUser(row.user, ip);
  return { ...base, kind: 'api-token', tokenId: id, permissions: narrowPermissions(base.permissions, row.token.permissions) };
}
