import { describe, expect, it } from 'vitest';
import { roles } from '@/db/vocabulary';
import { mapRoleClaim, parseRoleMap } from './role-map';

describe('role claim mapping', () => {
  const map = parseRoleMap(
    '{"ecs-admins":{"role":"department-admin","departments":["engineering"]},"eng":{"role":"readonly","departments":["engineering","research"]}}',
  );

  it('gives the role and departments of the entry a claim value names', () => {
    expect(mapRoleClaim(map, 'eng')).toEqual({ role: 'readonly', departmentIds: ['engineering', 'research'], claimValue: 'eng' });
    expect(mapRoleClaim(map, ['sales', 'ecs-admins'])).toEqual({
      role: 'department-admin',
      departmentIds: ['engineering'],
      claimValue: 'ecs-admins',
    });
  });

  it('picks the entry listed first in the setting, whatever order the provider sends the groups in', () => {
    expect(mapRoleClaim(map, ['eng', 'ecs-admins'])?.claimValue).toBe('ecs-admins');
  });

  it('maps nothing for an unmapped value, a missing claim, or a claim of another type', () => {
    expect(mapRoleClaim(map, 'sales')).toBeNull();
    expect(mapRoleClaim(map, undefined)).toBeNull();
    expect(mapRoleClaim(map, { eng: true })).toBeNull();
    expect(mapRoleClaim(map, [1, null])).toBeNull();
    expect(mapRoleClaim({}, 'eng')).toBeNull();
  });

  it('never grants super-admin, nor any role, by a claim value that is the role name itself', () => {
    for (const role of roles) expect(mapRoleClaim(map, [role])).toBeNull();
    const everything = ['ecs-admins', 'eng', ...roles, 'admin', 'administrators', 'root'];
    expect(mapRoleClaim(map, everything)?.role).not.toBe('super-admin');
  });

  it('grants super-admin only where an entry names it explicitly', () => {
    const withSuper = parseRoleMap('{"platform-owners":{"role":"super-admin"}}');
    expect(mapRoleClaim(withSuper, ['platform-owners'])).toEqual({ role: 'super-admin', departmentIds: [], claimValue: 'platform-owners' });
    expect(mapRoleClaim(withSuper, ['platform-owner'])).toBeNull();
  });

  it('refuses a setting that is not JSON, names an unknown role, or a malformed department', () => {
    expect(() => parseRoleMap('{eng: admin}')).toThrow(/not valid JSON/);
    expect(() => parseRoleMap('{"eng":{"role":"admin"}}')).toThrow(/eng\.role/);
    expect(() => parseRoleMap('{"eng":{"role":"readonly","departments":["Engineering!"]}}')).toThrow(/eng\.departments/);
    expect(() => parseRoleMap('{"eng":{"role":"readonly","extra":1}}')).toThrow(/eng/);
    expect(() => parseRoleMap('["eng"]')).toThrow();
    expect(parseRoleMap('')).toEqual({});
    expect(parseRoleMap(undefined)).toEqual({});
  });
});
