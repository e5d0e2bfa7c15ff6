import { describe, expect, it } from 'vitest';
import { principalOf } from '@/test/principals';
import { canOpenSection, homeOf, openSections } from './console-pages';

describe('console sections per role', () => {
  it('starts a coordinator at the portal, with no fleet-wide or admin sections', () => {
    const coordinator = principalOf('department-coordinator', ['legal']);
    expect(homeOf(coordinator)).toBe('/portal');
    const open = openSections(coordinator);
    expect(open[0]).toBe('/portal');
    expect(open).not.toContain('/');
    for (const s of ['/bus', '/cluster', '/security', '/users', '/webhooks'] as const) {
      expect(open).not.toContain(s);
      expect(canOpenSection(coordinator, s)).toBe(false);
    }
    expect(open).toEqual(expect.arrayContaining(['/tasks', '/agents', '/alerts', '/tokens', '/schedules']));
  });

  it('gives a super-admin every section, starting at the overview', () => {
    const admin = principalOf('super-admin');
    expect(homeOf(admin)).toBe('/');
    expect(openSections(admin)[0]).toBe('/');
    expect(openSections(admin)).toEqual(expect.arrayContaining(['/bus', '/cluster', '/security', '/users', '/webhooks', '/portal']));
  });

  it('keeps a department admin off the fleet-wide sections but on the audit side of security', () => {
    const deptAdmin = principalOf('department-admin', ['hr']);
    expect(homeOf(deptAdmin)).toBe('/');
    expect(canOpenSection(deptAdmin, '/bus')).toBe(false);
    expect(canOpenSection(deptAdmin, '/security')).toBe(true);
    expect(canOpenSection(deptAdmin, '/webhooks')).toBe(true);
    expect(canOpenSection(principalOf('readonly'), '/bus')).toBe(true);
    expect(canOpenSection(principalOf('readonly'), '/tokens')).toBe(false);
  });
});
