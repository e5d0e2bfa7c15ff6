import type { Role } from '../db/vocabulary';
import { rolePermissions, type Principal } from '@/lib/permissions/rbac';

/** A principal as lib/ sees it, for tests that call lib/ directly. */
export function principalOf(role: Role, departmentIds: string[] = [], id = '00000000-0000-4000-8000-000000000001'): Principal {
  return { kind: 'user', id, name: `${role}-user`, role, departmentIds, permissions: rolePermissions[role] };
}
