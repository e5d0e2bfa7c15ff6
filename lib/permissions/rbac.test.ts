import { describe, expect, it } from 'vitest';
import { principalOf } from '@/test/principals';
import type { AppError } from '../errors';
import { roles } from '@/db/vocabulary';
import {
  authorize,
  canGrantRole,
  hasPermission,
  managesAllDepartmentsOf,
  matches,
  narrowPermissions,
  rolePermissions,
  scopedRoles,
} from './rbac';

describe('permission matching', () => {
  it('matches wildcards on either side of the colon', () => {
    expect(matches('*', 'task:create')).toBe(true);
    expect(matches('task:*', 'task:create')).toBe(true);
    expect(matches('*:read', 'task:read')).toBe(true);
    expect(matches('task:*', 'agent:create')).toBe(false);
    expect(matches('task:read', 'task:create')).toBe(false);
  });

  it('narrows a token to what its owner has, never more', () => {
    expect(narrowPermissions(['task:read'], ['task:read', 'task:create', '*'])).toEqual(['task:read']);
    expect(narrowPermissions(['task:*'], null)).toEqual(['task:*']);
  });
});

describe('authorize', () => {
  const status = (fn: () => void) => {
    try {
      fn();
      return 200;
    } catch (e) {
      return (e as AppError).status;
    }
  };

  it('answers 404 for a department outside a scoped role, 403 for a missing permission', () => {
    const coord = principalOf('department-coordinator', ['marketing']);
    expect(status(() => authorize(coord, 'task:create', { departmentId: 'marketing' }))).toBe(200);
    expect(status(() => authorize(coord, 'task:create', { departmentId: 'engineering' }))).toBe(404);
    expect(status(() => authorize(coord, 'department:delete', { departmentId: 'marketing' }))).toBe(403);
  });

  it('lets auditors read everything and change nothing', () => {
    const auditor = principalOf('auditor');
    expect(status(() => authorize(auditor, 'task:read', { departmentId: 'engineering' }))).toBe(200);
    expect(hasPermission(auditor, 'task:create')).toBe(false);
    expect(hasPermission(auditor, 'audit:read')).toBe(true);
  });

  it('never lets a user grant a role at or above their own level, except a super-admin', () => {
    expect(canGrantRole(principalOf('department-admin'), 'department-coordinator')).toBe(true);
    expect(canGrantRole(principalOf('department-admin'), 'department-admin')).toBe(false);
    expect(canGrantRole(principalOf('department-admin'), 'super-admin')).toBe(false);
    expect(canGrantRole(principalOf('super-admin'), 'super-admin')).toBe(true);
  });

  it('never lets a granter bound to departments hand out a role that reaches every department, or more rights than its own', () => {
    for (const granter of roles.filter((r) => scopedRoles.has(r))) {
      for (const role of roles) {
        const granted = canGrantRole(principalOf(granter, ['engineering']), role);
        if (!scopedRoles.has(role)) expect(granted, `${granter} → ${role}`).toBe(false);
        if (granted)
          expect(
            rolePermissions[role].every((p) => hasPermission(principalOf(granter), p)),
            `${granter} → ${role}`,
          ).toBe(true);
      }
    }
    // A super-admin's token narrowed to a few permissions grants only roles within them.
    const narrowed = { ...principalOf('super-admin'), permissions: ['user:create', 'department:read'] };
    expect(canGrantRole(narrowed, 'auditor')).toBe(false);
  });

  it('manages only users wholly inside a scoped admin’s departments', () => {
    const admin = principalOf('department-admin', ['engineering']);
    expect(managesAllDepartmentsOf(admin, ['engineering'])).toBe(true);
    expect(managesAllDepartmentsOf(admin, ['engineering', 'finance'])).toBe(false);
    expect(managesAllDepartmentsOf(principalOf('super-admin'), ['engineering', 'finance'])).toBe(true);
  });
});
