import { hasPermission, isGlobal, type Principal } from './rbac';

/**
 * Who may open each console section, asked by the section's page (which shows "not available"
 * otherwise) and by the navigation (which leaves the section out), so the two never disagree. The
 * data behind each page is still authorised by the lib/ call that reads it.
 */
const sections = {
  '/': (p) => hasPermission(p, 'department:read'),
  '/departments': (p) => hasPermission(p, 'department:read'),
  '/agents': (p) => hasPermission(p, 'agent:read'),
  '/tasks': (p) => hasPermission(p, 'task:read'),
  '/schedules': (p) => hasPermission(p, 'task:read'),
  '/resources': (p) => hasPermission(p, 'resource:read'),
  // Bus and cluster figures are the whole fleet's: every department's traffic and processes.
  '/bus': (p) => hasPermission(p, 'metrics:read') && isGlobal(p),
  '/cluster': (p) => hasPermission(p, 'metrics:read') && isGlobal(p),
  '/alerts': (p) => hasPermission(p, 'alert:read'),
  '/webhooks': (p) => hasPermission(p, 'webhook:manage'),
  // Security events need security:read; the section also leads to the audit log.
  '/security': (p) => hasPermission(p, 'security:read') || hasPermission(p, 'audit:read'),
  '/users': (p) => hasPermission(p, 'user:read'),
  '/tokens': (p) => hasPermission(p, 'token:own'),
  '/portal': (p) => hasPermission(p, 'department:read'),
  '/docs/api': () => true,
} satisfies Record<string, (p: Principal) => boolean>;

export type ConsoleSection = keyof typeof sections;

export function canOpenSection(principal: Principal, section: ConsoleSection): boolean {
  return sections[section](principal);
}

/** The sections the principal may open, in the navigation's order: its home first (the overview, or the portal in its place). */
export function openSections(principal: Principal): ConsoleSection[] {
  const home = homeOf(principal);
  const rest = (Object.keys(sections) as ConsoleSection[]).filter((s) => s !== '/' && s !== home && canOpenSection(principal, s));
  return canOpenSection(principal, home) ? [home, ...rest] : rest;
}

/**
 * Where the principal's console starts: a department coordinator runs its departments from the
 * portal, so signing in (or opening `/`) lands there; every other role starts on the overview.
 */
export function homeOf(principal: Principal): '/' | '/portal' {
  return principal.role === 'department-coordinator' ? '/portal' : '/';
}
