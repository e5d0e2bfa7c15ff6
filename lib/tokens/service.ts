import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { findApiToken, insertApiToken, markApiTokenRevoked, type ApiTokenRow } from '@/db/queries/api-tokens';
import { audit } from '../audit/log';
import { API_TOKEN_PREFIX } from '../auth/principal';
import { authorize, matches, type Principal } from '../permissions/rbac';
import { randomToken, sha256 } from '../keys/secret';
import { forbidden, notFound, unprocessable } from '../errors';
import type { CreateTokenInput } from './schemas';

export type PublicToken = {
  id: string;
  name: string;
  permissions: string[] | null;
  expiresAt: string | null;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdAt: string;
  quotas: { requestsPerMinute: number | null };
};

const iso = (d: Date | null) => d?.toISOString() ?? null;
export const toPublicToken = (r: ApiTokenRow): PublicToken => ({
  id: r.id,
  name: r.name,
  permissions: r.permissions,
  expiresAt: iso(r.expiresAt),
  lastUsedAt: iso(r.lastUsedAt),
  revokedAt: iso(r.revokedAt),
  createdAt: r.createdAt.toISOString(),
  quotas: { requestsPerMinute: r.quotaRequestsPerMinute },
});

/** Tokens belong to users: an agent (or a token narrowed without token:own) can't mint more. */
function assertMayOwnTokens(principal: Principal): void {
  if (principal.kind === 'agent') throw forbidden('Agents cannot own API tokens');
  authorize(principal, 'token:own');
}

/**
 * The secret is returned here once and stored only as a sha256 hash. A token may be narrowed to
 * some of the creator's permissions, never widened: asking for more is refused, not trimmed.
 */
export async function createApiToken(db: Db, principal: Principal, input: CreateTokenInput): Promise<PublicToken & { token: string }> {
  assertMayOwnTokens(principal);
  // A token can't mint tokens: a leaked short-lived or narrowed token would otherwise make itself
  // a lasting one. New tokens come from a signed-in session or an access token.
  if (principal.kind === 'api-token') throw forbidden('API tokens cannot create API tokens; sign in to make one');
  const permissions = input.permissions ? [...new Set(input.permissions)] : null;
  if (permissions) {
    const exceeding = permissions.filter((p) => !principal.permissions.some((o) => matches(o, p)));
    if (exceeding.length) throw unprocessable('A token cannot have rights its owner lacks', { exceeding });
  }
  const expiresAt = input.expiresAt
    ? new Date(input.expiresAt)
    : input.expiresInDays
      ? new Date(Date.now() + input.expiresInDays * 86_400_000)
      : null;
  if (expiresAt && expiresAt.getTime() <= Date.now()) throw unprocessable('expiresAt is in the past');
  const id = randomUUID();
  const secret = randomToken(32);
  const row = await insertApiToken(db, {
    id,
    userId: principal.id,
    name: input.name,
    secretHash: sha256(secret),
    permissions,
    expiresAt,
    quotaRequestsPerMinute: input.quotas?.requestsPerMinute ?? null,
  });
  await audit(db, principal, {
    action: 'token.create',
    targetType: 'api-token',
    targetId: id,
    detail: { name: input.name, permissions, expiresAt: iso(expiresAt), ...(input.quotas ? { quotas: input.quotas } : {}) },
  });
  return { ...toPublicToken(row), token: `${API_TOKEN_PREFIX}${id}_${secret}` };
}

/** Owners revoke their own tokens; a super-admin may revoke anyone's. */
export async function revokeApiToken(db: Db, principal: Principal, id: string): Promise<void> {
  assertMayOwnTokens(principal);
  const row = await findApiToken(db, id);
  if (!row || (row.userId !== principal.id && principal.role !== 'super-admin')) throw notFound('Token');
  if (!row.revokedAt) await markApiTokenRevoked(db, id);
  await audit(db, principal, {
    action: 'token.revoke',
    targetType: 'api-token',
    targetId: id,
    detail: { name: row.name, owner: row.userId },
  });
}
