import type { Db } from '@/db/client';
import { findTask } from '@/db/queries/tasks';
import { agentHome } from '@/db/queries/agent-slots';
import { findDepartment } from '@/db/queries/departments';
import { authorize, inScope, OutOfScope, type Principal } from '../permissions/rbac';
import { forbidden, notFound, unprocessable } from '../errors';
import { audit } from '../audit/log';
import { createTask } from './service';
import type { CollaborationInput } from './schemas';

/**
 * A child task in another department (or for a named agent), linked to its parent. The target
 * department must accept collaboration from the parent's department.
 */
export async function createCollaboration(db: Db, principal: Principal, input: CollaborationInput) {
  authorize(principal, 'collaboration:create');
  const parent = await findTask(db, input.taskId);
  if (!parent) throw notFound('Task');
  if (principal.kind === 'agent') {
    if (input.fromAgentId && input.fromAgentId !== principal.id) throw forbidden('An agent collaborates only as itself');
    if (parent.assignedAgentId !== principal.id) throw new OutOfScope('Task');
  } else if (!inScope(principal, parent.departmentId)) throw new OutOfScope('Task');
  let targetDepartmentId = input.targetDepartmentId;
  if (input.targetAgentId) {
    const target = await agentHome(db, input.targetAgentId);
    if (!target || target.status === 'retired')
      throw unprocessable('Unknown target agent', { errors: [{ path: 'targetAgentId', message: 'No such agent' }] });
    targetDepartmentId = target.departmentId;
  }
  const dept = await findDepartment(db, targetDepartmentId!);
  if (!dept) throw unprocessable('Unknown target department', { errors: [{ path: 'targetDepartmentId', message: 'No such department' }] });
  if (dept.id !== parent.departmentId && !dept.collaboratesWith.includes(parent.departmentId)) {
    throw forbidden(`${dept.name} does not accept collaboration requests from ${parent.departmentId}`);
  }
  // The child is created on behalf of the requester, inside the target department's scope.
  const actingPrincipal: Principal = {
    ...principal,
    departmentIds: [...principal.departmentIds, dept.id],
    permissions: [...principal.permissions, 'task:create'],
  };
  const child = await createTask(
    db,
    actingPrincipal,
    {
      title: input.request.title,
      departmentId: dept.id,
      type: input.request.type,
      priority: input.request.priority ?? parent.priority,
      requirements: input.request.requirements,
      payload: input.request.payload,
      parentTaskId: parent.id,
      targetAgentId: input.targetAgentId,
      maxAttempts: 3,
      dependsOn: [],
    },
    { audit: false },
  );
  await audit(db, principal, {
    action: 'collaboration.create',
    targetType: 'task',
    targetId: child.id,
    departmentId: dept.id,
    detail: { parentTaskId: parent.id, fromDepartment: parent.departmentId },
  });
  return { task: child, parentTaskId: parent.id };
}
