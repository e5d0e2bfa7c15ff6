import { describe, expect, it } from 'vitest';
import { principalOf } from '@/db/testing/principals';
import { AppError } from '../errors';
import { authorize, canGrantRole, hasPermission, matches, narrowPermissions } from './rbac';

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
});
