import type { Role } from '@/db/vocabulary';
import { AppError, forbidden } from '../errors';

export const roleLevels: Record<Role, number> = {
  'super-admin': 10,
  'department-admin': 7,
  'department-coordinator': 6,
  auditor: 5,
  'agent-supervisor': 4,
  agent: 2,
  readonly: 1,
};

const readAll = ['department:read', 'agent:read', 'task:read', 'resource:read', 'metrics:read', 'alert:read', 'message:read'];

/** The permission matrix (docs/security.md renders it). `*` matches any resource or action. */
export const rolePermissions: Record<Role, string[]> = {
  'super-admin': ['*'],
  'department-admin': [
    ...readAll,
    'department:update',
    'department:coordinators',
    'agent:*',
    'task:*',
    'resource:*',
    'allocation:*',
    'message:send',
    'collaboration:create',
    'user:read',
    'user:create',
    'user:update',
    'user:delete',
    'alert:*',
    'audit:read',
    'token:own',
    'webhook:manage',
  ],
  'department-coordinator': [
    ...readAll,
    'agent:create',
    'agent:update',
    'agent:retire',
    'task:*',
    'resource:check',
    'allocation:create',
    'allocation:release',
    'message:send',
    'collaboration:create',
    'alert:acknowledge',
    'token:own',
  ],
  auditor: [...readAll, 'user:read', 'audit:read', 'audit:verify', 'security:read', 'token:own'],
  'agent-supervisor': [...readAll, 'agent:update', 'task:cancel', 'task:retry', 'alert:acknowledge', 'token:own'],
  agent: ['task:read', 'task:progress', 'task:complete', 'task:fail', 'message:send', 'collaboration:create', 'resource:check'],
  readonly: [...readAll],
};

/** Roles whose rights stop at their own departments. */
export const scopedRoles: ReadonlySet<Role> = new Set(['department-admin', 'department-coordinator', 'agent-supervisor', 'agent']);

export type Principal = {
  kind: 'user' | 'agent' | 'api-token';
  /** The user's id, or the agent's id for an agent. */
  id: string;
  name: string;
  role: Role;
  departmentIds: string[];
  permissions: string[];
  agentId?: string;
  tokenId?: string;
  /** The console sign-in a cookie-authenticated principal came with (signing out ends it). */
  sessionId?: string;
  /** The refresh family an access token came with (revoking the family ends the token). */
  familyId?: string;
  ip?: string;
};

export function matches(granted: string, wanted: string): boolean {
  if (granted === '*' || granted === wanted) return true;
  const [gr, ga] = granted.split(':');
  const [wr, wa] = wanted.split(':');
  return (gr === '*' || gr === wr) && (ga === '*' || ga === wa);
}

// Answers per permissions list: a connected agent's principal asks the same question for every
// message it sends (thousands a second on the bus), and matches() splits strings each time.
const answered = new WeakMap<readonly string[], Map<string, boolean>>();

export function hasPermission(principal: Pick<Principal, 'permissions'>, permission: string): boolean {
  let known = answered.get(principal.permissions);
  if (!known) answered.set(principal.permissions, (known = new Map()));
  let yes = known.get(permission);
  if (yes === undefined) known.set(permission, (yes = principal.permissions.some((p) => matches(p, permission))));
  return yes;
}

/** A token narrowed to `requested` keeps only what its owner has: it never gains rights. */
export function narrowPermissions(owner: string[], requested: string[] | null | undefined): string[] {
  if (!requested) return owner;
  return requested.filter((r) => owner.some((o) => matches(o, r)));
}

export function isGlobal(principal: Principal): boolean {
  return !scopedRoles.has(principal.role);
}

export function inScope(principal: Principal, departmentId: string | null | undefined): boolean {
  if (isGlobal(principal)) return true;
  return !!departmentId && principal.departmentIds.includes(departmentId);
}

/**
 * Answered exactly like an unknown id (404), but marked so the route wrapper can audit it as a
 * denied attempt: probing another department's ids is what an attacker inside the system does.
 */
export class OutOfScope extends AppError {
  constructor(what = 'Resource') {
    super(404, 'Not Found', `${what} not found`);
  }
}

/**
 * The one check every door makes. Missing permission: 403. Outside the caller's departments: 404,
 * so the caller learns nothing about ids it may not see.
 */
export function authorize(principal: Principal, permission: string, scope?: { departmentId?: string | null; what?: string }): void {
  if (!hasPermission(principal, permission)) throw forbidden(`Your role (${principal.role}) lacks ${permission}`);
  if (scope && 'departmentId' in scope && !inScope(principal, scope.departmentId)) throw new OutOfScope(scope.what ?? 'Resource');
}

/** null = every department; otherwise the departments a list may show. */
export function departmentFilter(principal: Principal): string[] | null {
  return isGlobal(principal) ? null : principal.departmentIds;
}

/**
 * A user may hand out only roles whose rights stay within their own: below their level, every
 * permission of the role one the granter holds, and, for a granter bound to departments, a role
 * bound to departments too (auditor and readonly read every department: a department admin
 * minting one would reach past its own). A super-admin may hand out any.
 */
export function canGrantRole(granter: Principal, role: Role): boolean {
  if (granter.role === 'super-admin' && hasPermission(granter, '*')) return true;
  if (roleLevels[role] >= roleLevels[granter.role]) return false;
  if (!isGlobal(granter) && !scopedRoles.has(role)) return false;
  return rolePermissions[role].every((p) => hasPermission(granter, p));
}

/**
 * A scoped admin manages only users wholly inside its departments: changing the password, role or
 * state of a user who also belongs elsewhere would act in a department the admin doesn't run.
 */
export function managesAllDepartmentsOf(principal: Principal, departmentIds: readonly string[]): boolean {
  return isGlobal(principal) || departmentIds.every((d) => principal.departmentIds.includes(d));
}
