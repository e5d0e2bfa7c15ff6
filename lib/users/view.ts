import type { UserRow } from '@/db/queries/users';

/** What the API shows of a user: never a hash, a secret or a recovery code. */
export type PublicUser = {
  id: string;
  username: string;
  role: UserRow['role'];
  departmentIds: string[];
  disabled: boolean;
  mfaEnabled: boolean;
  lockedUntil: string | null;
  lastLoginAt: string | null;
  createdAt: string;
};

export function toPublicUser(u: UserRow): PublicUser {
  const locked = u.lockedUntil && u.lockedUntil.getTime() > Date.now() ? u.lockedUntil.toISOString() : null;
  return {
    id: u.id,
    username: u.username,
    role: u.role,
    departmentIds: u.departmentIds,
    disabled: u.disabled,
    mfaEnabled: u.mfaEnabled,
    lockedUntil: locked,
    lastLoginAt: u.lastLoginAt?.toISOString() ?? null,
    createdAt: u.createdAt.toISOString(),
  };
}
