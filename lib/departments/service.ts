import type { Db } from '@/db/client';
import {
  agentCountsByStatus,
  countDepartments,
  countUnfinishedTasks,
  deleteDepartmentRows,
  departmentHistoryCounts,
  findDepartment,
  forgetDepartment,
  insertDepartment,
  listDepartmentRows,
  liveAgentIds,
  lockDepartment,
  lockDepartmentsTable,
  openAlertsOf,
  poolsOf,
  readDepartment,
  taskCountsByStatus,
  unfinishedTaskIds,
  updateDepartmentRow,
  type DepartmentRow,
} from '@/db/queries/departments';
import { env } from '../env';
import { conflict, notFound } from '../errors';
import { cancelTask } from '../tasks/service';
import { retireAgent } from '../agents/service';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { audit } from '../audit/log';
import type { CreateDepartmentInput, UpdateDepartmentInput } from './schemas';
import { departmentQuotaUse, type DepartmentQuotaUse } from '../quotas/usage';

type QuotaColumns = 'quotaTasksPerMinute' | 'quotaMaxPendingTasks' | 'quotaMaxMonthlyCost';
export type DepartmentQuotas = { tasksPerMinute: number | null; maxPendingTasks: number | null; maxMonthlyCost: number | null };
export type Department = Omit<DepartmentRow, 'createdAt' | 'updatedAt' | 'archivedAt' | QuotaColumns> & {
  quotas: DepartmentQuotas;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
};

export function toDepartment(row: DepartmentRow): Department {
  const { quotaTasksPerMinute, quotaMaxPendingTasks, quotaMaxMonthlyCost, ...rest } = row;
  return {
    ...rest,
    quotas: { tasksPerMinute: quotaTasksPerMinute, maxPendingTasks: quotaMaxPendingTasks, maxMonthlyCost: quotaMaxMonthlyCost },
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
    archivedAt: row.archivedAt?.toISOString() ?? null,
  };
}

/** The columns a PATCH's `quotas` names: undefined keeps one, null clears it. */
function quotaColumns(q: UpdateDepartmentInput['quotas']): Partial<Pick<DepartmentRow, QuotaColumns>> {
  if (!q) return {};
  return {
    ...(q.tasksPerMinute !== undefined ? { quotaTasksPerMinute: q.tasksPerMinute } : {}),
    ...(q.maxPendingTasks !== undefined ? { quotaMaxPendingTasks: q.maxPendingTasks } : {}),
    ...(q.maxMonthlyCost !== undefined ? { quotaMaxMonthlyCost: q.maxMonthlyCost } : {}),
  };
}

export async function listDepartments(db: Db, principal: Principal): Promise<Department[]> {
  authorize(principal, 'department:read');
  return (await listDepartmentRows(db, departmentFilter(principal))).map(toDepartment);
}

export async function getDepartment(db: Db, principal: Principal, id: string): Promise<Department> {
  authorize(principal, 'department:read', { departmentId: id, what: 'Department' });
  const row = await findDepartment(db, id);
  if (!row) throw notFound('Department');
  return toDepartment(row);
}

export async function createDepartment(db: Db, principal: Principal, input: CreateDepartmentInput): Promise<Department> {
  authorize(principal, 'department:create');
  const max = env().MAX_DEPARTMENTS;
  const row = await db.transaction(async (tx) => {
    // Serialise creations so two concurrent requests can't both pass the limit.
    await lockDepartmentsTable(tx);
    if ((await countDepartments(tx)) >= max)
      throw conflict(`The system is at its limit of ${max} departments (MAX_DEPARTMENTS); archive one to make room`);
    const created = await insertDepartment(tx, {
      ...input,
      maxAgents: input.maxAgents ?? env().MAX_AGENTS_PER_DEPARTMENT,
      loadBalancingStrategy: input.loadBalancingStrategy ?? env().LOAD_BALANCING_STRATEGY,
    });
    if (!created) throw conflict(`A department with id '${input.id}' already exists`);
    return created;
  });
  await audit(db, principal, {
    action: 'department.create',
    targetType: 'department',
    targetId: row.id,
    departmentId: row.id,
    detail: { name: row.name },
  });
  return toDepartment(row);
}

export async function updateDepartment(db: Db, principal: Principal, id: string, input: UpdateDepartmentInput): Promise<Department> {
  authorize(principal, 'department:update', { departmentId: id, what: 'Department' });
  const { quotas, ...fields } = input;
  const row = await updateDepartmentRow(db, id, { ...fields, ...quotaColumns(quotas), updatedAt: new Date() });
  forgetDepartment(id);
  if (!row) throw notFound('Department');
  await audit(db, principal, {
    action: 'department.update',
    targetType: 'department',
    targetId: id,
    departmentId: id,
    detail: { changed: Object.keys(input), ...(quotas ? { quotas } : {}) },
  });
  return toDepartment(row);
}

/** A department with agents or unfinished tasks can't be deleted: retire or move them first. */
export async function deleteDepartment(db: Db, principal: Principal, id: string): Promise<void> {
  authorize(principal, 'department:delete', { departmentId: id, what: 'Department' });
  await db.transaction(async (tx) => {
    if (!(await lockDepartment(tx, id))) throw notFound('Department');
    const { liveAgents, anyTasks, anyAgents } = await departmentHistoryCounts(tx, id);
    if (liveAgents > 0) throw conflict(`Department has ${liveAgents} active agents: retire them first`);
    if (anyTasks > 0 || anyAgents > 0) throw conflict('Department has task or agent history: set its status to inactive instead');
    await deleteDepartmentRows(tx, id);
  });
  forgetDepartment(id);
  await audit(db, principal, { action: 'department.delete', targetType: 'department', targetId: id, departmentId: id });
}

export type DepartmentStatus = {
  departmentId: string;
  agents: { total: number; idle: number; busy: number; draining: number; offline: number };
  tasks: { pending: number; active: number; completed: number; failed: number; dead: number; cancelled: number };
  resources: { type: string; capacity: number; allocated: number; available: number; utilisation: number }[];
  alerts: { id: string; kind: string; severity: string; message: string; createdAt: string }[];
  /** Each quota's use now and its limit (null: no such quota). */
  quotas: Omit<DepartmentQuotaUse, 'departmentId'>;
};

export async function getDepartmentStatus(db: Db, principal: Principal, id: string): Promise<DepartmentStatus> {
  authorize(principal, 'department:read', { departmentId: id, what: 'Department' });
  if (!(await findDepartment(db, id))) throw notFound('Department');
  const [agentRows, taskRows, pools, openAlerts, [quotaUse]] = await Promise.all([
    agentCountsByStatus(db, id),
    taskCountsByStatus(db, id),
    poolsOf(db, id),
    openAlertsOf(db, id),
    departmentQuotaUse(db, [id]),
  ]);
  const { departmentId: _d, ...quotas } = quotaUse;
  const a = Object.fromEntries(agentRows.map((r) => [r.status, r.n])) as Record<string, number>;
  const t = Object.fromEntries(taskRows.map((r) => [r.status, r.n])) as Record<string, number>;
  const idle = a.idle ?? 0;
  const busy = a.busy ?? 0;
  const draining = a.draining ?? 0;
  const offline = a.offline ?? 0;
  return {
    departmentId: id,
    agents: { total: idle + busy + draining + offline, idle, busy, draining, offline },
    tasks: {
      pending: t.pending ?? 0,
      active: (t.assigned ?? 0) + (t.running ?? 0),
      completed: t.completed ?? 0,
      failed: t.failed ?? 0,
      dead: t.dead ?? 0,
      cancelled: t.cancelled ?? 0,
    },
    resources: pools.map((p) => ({
      type: p.type,
      capacity: p.capacity,
      allocated: p.allocated,
      available: p.capacity - p.allocated,
      utilisation: p.capacity ? p.allocated / p.capacity : 0,
    })),
    alerts: openAlerts.map((al) => ({
      id: al.id,
      kind: al.kind,
      severity: al.severity,
      message: al.message,
      createdAt: al.createdAt.toISOString(),
    })),
    quotas,
  };
}

/**
 * Retires a department: it keeps its rows and history, takes no new agents or tasks, and stops
 * counting toward MAX_DEPARTMENTS. Refused (409) while it has unfinished tasks (pending, assigned
 * or running), unless `force`, which cancels them first. Its agents are retired (their tasks and
 * grants were settled above). Archiving an archived department changes nothing.
 */
export async function archiveDepartment(db: Db, principal: Principal, id: string, opts: { force?: boolean } = {}): Promise<Department> {
  authorize(principal, 'department:archive', { departmentId: id, what: 'Department' });
  const current = await findDepartment(db, id);
  if (!current) throw notFound('Department');
  if (current.archivedAt) return toDepartment(current);
  let cancelled = 0;
  if (opts.force) {
    const open = await unfinishedTaskIds(db, id);
    for (const t of open) {
      // A task that finished meanwhile is no longer in the way.
      await cancelTask(db, principal, t.id).then(
        () => cancelled++,
        (err) => (err?.status === 409 ? undefined : Promise.reject(err)),
      );
    }
  }
  // The row lock makes inserts into the department wait (their guard reads it FOR KEY SHARE), so
  // the count below sees every task that could still arrive, and none arrives after it.
  const row = await db.transaction(async (tx) => {
    await lockDepartment(tx, id);
    const n = await countUnfinishedTasks(tx, id);
    if (n > 0) {
      throw conflict(
        `Department ${id} has ${n} unfinished tasks (pending, assigned or running): let them finish, or archive with {"force": true} to cancel them`,
        { unfinishedTasks: n },
      );
    }
    return (await updateDepartmentRow(tx, id, { archivedAt: new Date(), updatedAt: new Date() }))!;
  });
  forgetDepartment(id);
  const live = await liveAgentIds(db, id);
  for (const a of live) await retireAgent(db, principal, a.id);
  await audit(db, principal, {
    action: 'department.archive',
    targetType: 'department',
    targetId: id,
    departmentId: id,
    detail: { force: !!opts.force, cancelledTasks: cancelled, retiredAgents: live.length },
  });
  return toDepartment(row);
}

/** Brings an archived department back, if the system has room for it under MAX_DEPARTMENTS. */
export async function unarchiveDepartment(db: Db, principal: Principal, id: string): Promise<Department> {
  authorize(principal, 'department:archive', { departmentId: id, what: 'Department' });
  const max = env().MAX_DEPARTMENTS;
  const row = await db.transaction(async (tx) => {
    // The same lock as createDepartment: two un-archivings or a creation can't both take the last slot.
    await lockDepartmentsTable(tx);
    const cur = await readDepartment(tx, id);
    if (!cur) throw notFound('Department');
    if (!cur.archivedAt) return cur;
    if ((await countDepartments(tx)) >= max)
      throw conflict(`The system is at its limit of ${max} departments (MAX_DEPARTMENTS); archive another first`);
    return (await updateDepartmentRow(tx, id, { archivedAt: null, updatedAt: new Date() }))!;
  });
  forgetDepartment(id);
  await audit(db, principal, { action: 'department.unarchive', targetType: 'department', targetId: id, departmentId: id });
  return toDepartment(row);
}
