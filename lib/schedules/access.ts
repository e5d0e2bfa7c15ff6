import { forbidden } from '../errors';
import type { Principal } from '../permissions/rbac';

export { authorize, departmentFilter, inScope, OutOfScope, type Principal } from '../permissions/rbac';

/**
 * Schedules are a person's or a script's tool. An agent holds task:read for its own tasks only, so
 * reading its department's schedules through that permission would widen what it sees.
 */
export function forbiddenForAgents(principal: Principal): void {
  if (principal.kind === 'agent') throw forbidden('Agents have no access to schedules');
}
