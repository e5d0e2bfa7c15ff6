import type { TaskQuotaHolder } from '../quotas/tasks';
import type { Db } from '@/db/client';
import type { TaskRequirements } from '@/db/vocabulary';
import { findDepartmentCached } from '@/db/queries/departments';
import { departmentsOfTasks } from '@/db/queries/tasks';
import { authorize, inScope, type Principal } from '../permissions/rbac';
import { conflict, notFound, unprocessable } from '../errors';
import { normaliseCapabilities } from '../dispatch/fit';
import { archivedConflict } from '../org/archived';
import type { CreateTaskInput } from './schemas';

/**
 * Whether the principal may create this task in its department, and the requirements as stored.
 * Every door that creates tasks (one, or a batch) admits each task here, so a check added here
 * (a quota, say) holds for all of them. Throws the AppError a single create answers.
 */
/** Checks a new task against its principal and department; answers its requirements and the department (for its quotas). */
export async function admitNewTask(
  db: Db,
  principal: Principal,
  input: CreateTaskInput,
): Promise<{ requirements: TaskRequirements; department: TaskQuotaHolder }> {
  authorize(principal, 'task:create', { departmentId: input.departmentId, what: 'Department' });
  const dept = await findDepartmentCached(db, input.departmentId);
  if (!dept) throw notFound('Department');
  if (dept.archivedAt) throw archivedConflict(dept.id);
  if (dept.status !== 'active') throw conflict(`Department ${dept.id} is inactive and takes no tasks`);
  const { specialization: _s, capabilities: _c, resources: _r, ...otherRequirements } = input.requirements ?? {};
  const capabilities = { ...normaliseCapabilities(input.requirements?.capabilities), ...otherRequirements };
  const requirements: TaskRequirements = {
    ...(input.requirements?.specialization ? { specialization: input.requirements.specialization } : {}),
    ...(Object.keys(capabilities).length ? { capabilities } : {}),
    ...(input.requirements?.resources ? { resources: input.requirements.resources as Record<string, number> } : {}),
  };
  if (requirements.specialization && !dept.specializations.includes(requirements.specialization)) {
    throw unprocessable(`Department ${dept.id} has no specialization '${requirements.specialization}'`, {
      errors: [{ path: 'requirements.specialization', message: `One of: ${dept.specializations.join(', ')}` }],
    });
  }
  for (const type of Object.keys(requirements.resources ?? {})) {
    if (!dept.resourceTypes.includes(type)) {
      throw unprocessable(`Department ${dept.id} has no ${type} pool`, {
        errors: [{ path: `requirements.resources.${type}`, message: 'Not a resource kind of this department' }],
      });
    }
  }
  return { requirements, department: dept };
}

/** Of the dependency and parent ids a new task names, those that don't exist or that the principal may not see. */
export async function unknownLinks(db: Db, principal: Principal, ids: readonly string[]): Promise<Set<string>> {
  if (!ids.length) return new Set();
  const found = await departmentsOfTasks(db, [...new Set(ids)]);
  const visible = new Set(found.filter((t) => inScope(principal, t.departmentId) || principal.kind === 'agent').map((t) => t.id));
  return new Set(ids.filter((id) => !visible.has(id)));
}

/** The ids a new task links to: its dependencies and its parent. */
export const linksOf = (input: Pick<CreateTaskInput, 'dependsOn' | 'parentTaskId'>): string[] => [
  ...input.dependsOn,
  ...(input.parentTaskId ? [input.parentTaskId] : []),
];
