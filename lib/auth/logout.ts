import type { Db } from '@/db/client';
import { audit } from '../audit/log';
import type { Principal } from '../permissions/rbac';
import { endAllSessions, revokeRefreshToken } from './session-tokens';

export async function logout(db: Db, principal: Principal, opts: { refreshToken?: string; everywhere?: boolean }): Promise<void> {
  if (opts.refreshToken) await revokeRefreshToken(db, opts.refreshToken);
  if (opts.everywhere && principal.kind !== 'agent') await endAllSessions(db, principal.id);
  await audit(db, principal, {
    action: 'auth.logout',
    targetType: 'user',
    targetId: principal.id,
    detail: { everywhere: !!opts.everywhere },
  });
}
