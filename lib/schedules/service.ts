import type { Db } from '@/db/client';
import type { TaskTemplate } from '@/db/vocabulary';
import { findDepartment } from '@/db/queries/departments';
import {
  deleteScheduleRow,
  findSchedule,
  insertSchedule,
  recentFirings,
  updateScheduleRow,
  type ScheduleRow,
} from '@/db/queries/schedules';
import { authorize, forbiddenForAgents, inScope, OutOfScope, type Principal } from './access';
import { audit } from '../audit/log';
import { conflict, notFound, unprocessable } from '../errors';
import { normaliseCapabilities } from '../dispatch/fit';
import { toTask } from '../tasks/service';
import { nextFireTime, nextFireTimes } from './cron';
import { fireSchedule } from './firing';
import type { CreateScheduleInput, TaskTemplateInput, UpdateScheduleInput } from './schemas';

export type Schedule = ReturnType<typeof toSchedule>;

export function toSchedule(row: ScheduleRow, now = new Date()) {
  return {
    id: row.id,
    name: row.name,
    departmentId: row.departmentId,
    cron: row.cron,
    timezone: row.timezone,
    task: row.task,
    overlap: row.overlap,
    catchUp: row.catchUp,
    enabled: row.enabled,
    nextFireAt: row.nextFireAt?.toISOString() ?? null,
    // What the pattern says from now on; empty while paused.
    nextFireTimes: row.enabled ? nextFireTimes(row.cron, row.timezone, 5, now).map((d) => d.toISOString()) : [],
    lastFiredAt: row.lastFiredAt?.toISOString() ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** A template must fit its department now, as a task created by hand would. */
async function checkTemplate(db: Db, departmentId: string, input: TaskTemplateInput): Promise<TaskTemplate> {
  const dept = await findDepartment(db, departmentId);
  if (!dept) throw notFound('Department');
  if (dept.status !== 'active') throw conflict(`Department ${dept.id} is inactive and takes no tasks`);
  const r = input.requirements;
  if (r?.specialization && !dept.specializations.includes(r.specialization)) {
    throw unprocessable(`Department ${dept.id} has no specialization '${r.specialization}'`, {
      errors: [{ path: 'task.requirements.specialization', message: `One of: ${dept.specializations.join(', ')}` }],
    });
  }
  for (const type of Object.keys(r?.resources ?? {})) {
    if (!dept.resourceTypes.includes(type)) {
      throw unprocessable(`Department ${dept.id} has no ${type} pool`, {
        errors: [{ path: `task.requirements.resources.${type}`, message: 'Not a resource kind of this department' }],
      });
    }
  }
  return {
    title: input.title,
    type: input.type,
    priority: input.priority,
    maxAttempts: input.maxAttempts,
    ...(r
      ? {
          requirements: {
            ...(r.specialization ? { specialization: r.specialization } : {}),
            ...(r.capabilities ? { capabilities: normaliseCapabilities(r.capabilities) } : {}),
            ...(r.resources ? { resources: r.resources as Record<string, number> } : {}),
          },
        }
      : {}),
    ...(input.payload !== undefined && input.payload !== null ? { payload: input.payload } : {}),
    ...(input.estimatedDuration !== undefined ? { estimatedDuration: input.estimatedDuration } : {}),
    ...(input.timeout !== undefined ? { timeout: input.timeout } : {}),
  };
}

export async function createSchedule(db: Db, principal: Principal, input: CreateScheduleInput): Promise<Schedule> {
  authorize(principal, 'task:create', { departmentId: input.departmentId, what: 'Department' });
  const task = await checkTemplate(db, input.departmentId, input.task);
  const now = new Date();
  const row = await db.transaction(async (tx) => {
    const row = await insertSchedule(tx, {
      name: input.name,
      departmentId: input.departmentId,
      cron: input.cron,
      timezone: input.timezone,
      task,
      overlap: input.overlap,
      catchUp: input.catchUp,
      enabled: input.enabled,
      nextFireAt: input.enabled ? nextFireTime(input.cron, input.timezone, now) : null,
      createdBy: principal.id || null,
    });
    await audit(tx, principal, {
      action: 'schedule.create',
      targetType: 'schedule',
      targetId: row.id,
      departmentId: row.departmentId,
      detail: { name: row.name, cron: row.cron, timezone: row.timezone },
    });
    return row;
  });
  return toSchedule(row, now);
}

async function findVisibleSchedule(db: Db, principal: Principal, id: string): Promise<ScheduleRow> {
  forbiddenForAgents(principal);
  authorize(principal, 'task:read');
  const row = await findSchedule(db, id);
  if (!row) throw notFound('Schedule');
  if (!inScope(principal, row.departmentId)) throw new OutOfScope('Schedule');
  return row;
}

/** A schedule with its latest firings: when, by hand or not, and the task each created. */
export async function getSchedule(db: Db, principal: Principal, id: string) {
  const row = await findVisibleSchedule(db, principal, id);
  const firings = await recentFirings(db, id, 50);
  return {
    ...toSchedule(row),
    history: firings.map((f) => ({
      fireTime: f.fireTime.toISOString(),
      firedAt: f.firedAt.toISOString(),
      manual: f.manual,
      outcome: f.outcome,
      task: f.taskId ? { id: f.taskId, title: f.taskTitle, status: f.taskStatus } : null,
    })),
  };
}

export async function updateSchedule(db: Db, principal: Principal, id: string, input: UpdateScheduleInput): Promise<Schedule> {
  const cur = await findVisibleSchedule(db, principal, id);
  authorize(principal, 'task:create', { departmentId: cur.departmentId, what: 'Schedule' });
  const task = input.task ? await checkTemplate(db, cur.departmentId, input.task) : undefined;
  const cron = input.cron ?? cur.cron;
  const timezone = input.timezone ?? cur.timezone;
  const enabled = input.enabled ?? cur.enabled;
  const now = new Date();
  // A new pattern, or a resume, starts from now: firings while paused are not caught up.
  const retimed = cron !== cur.cron || timezone !== cur.timezone || enabled !== cur.enabled;
  const row = await db.transaction(async (tx) => {
    const row = await updateScheduleRow(tx, id, {
      ...(input.name !== undefined ? { name: input.name } : {}),
      ...(task ? { task } : {}),
      ...(input.overlap ? { overlap: input.overlap } : {}),
      ...(input.catchUp ? { catchUp: input.catchUp } : {}),
      cron,
      timezone,
      enabled,
      ...(retimed ? { nextFireAt: enabled ? nextFireTime(cron, timezone, now) : null } : {}),
      updatedAt: now,
    });
    if (!row) throw notFound('Schedule');
    await audit(tx, principal, {
      action: 'schedule.update',
      targetType: 'schedule',
      targetId: id,
      departmentId: row.departmentId,
      detail: { fields: Object.keys(input) },
    });
    return row;
  });
  return toSchedule(row, now);
}

/** Deletes the schedule and its firing records; the tasks it created stay (their scheduleId becomes null). */
export async function deleteSchedule(db: Db, principal: Principal, id: string): Promise<void> {
  const cur = await findVisibleSchedule(db, principal, id);
  authorize(principal, 'task:create', { departmentId: cur.departmentId, what: 'Schedule' });
  await db.transaction(async (tx) => {
    await deleteScheduleRow(tx, id);
    await audit(tx, principal, {
      action: 'schedule.delete',
      targetType: 'schedule',
      targetId: id,
      departmentId: cur.departmentId,
      detail: { name: cur.name },
    });
  });
}

/** Fires now, paused or not: one task, created and audited in one transaction. */
export async function triggerSchedule(db: Db, principal: Principal, id: string) {
  const cur = await findVisibleSchedule(db, principal, id);
  authorize(principal, 'task:create', { departmentId: cur.departmentId, what: 'Schedule' });
  const fired = await fireSchedule(db, id, new Date(), principal);
  if (fired?.outcome !== 'created') throw conflict('The schedule did not fire; read it again');
  return { scheduleId: id, task: toTask(fired.task) };
}
