import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { priorities, type TaskRequirements } from '@/db/vocabulary';
import { insertTask, taskByIdempotencyKey, type TaskRow } from '@/db/queries/tasks';
import { insertTaskEvent } from '@/db/queries/task-events';
import { cancelWhileScheduled, promoteDueTasks } from '@/db/queries/scheduled-tasks';
import type { Principal } from '../permissions/rbac';
import { audit } from '../audit/log';
import { conflict } from '../errors';
import { emitDomain, publishLive } from '../live';
import { recordTaskCreated } from '../metrics/record';
import type { CreateTaskInput } from './schemas';
import { queueTaskEvent } from '@/db/queries/outbox';

/** When a task created with runAt or delayMs becomes due; undefined for one that starts now. */
export function startOf(input: Pick<CreateTaskInput, 'runAt' | 'delayMs'>, now = Date.now()): Date | undefined {
  if (input.runAt !== undefined) return new Date(input.runAt);
  if (input.delayMs !== undefined) return new Date(now + input.delayMs);
  return undefined;
}

/**
 * A task that waits as 'scheduled' until `runAt`; the schedules loop then makes it 'pending' and the
 * dispatcher hands it out as usual. Checked by createTask first (department, requirements, links).
 */
export async function createScheduledTask(
  db: Db,
  principal: Principal,
  input: CreateTaskInput,
  requirements: TaskRequirements,
  runAt: Date,
  key: string | undefined,
): Promise<TaskRow> {
  const id = randomUUID();
  try {
    const row = await db.transaction(async (tx) => {
      const row = await insertTask(tx, {
        id,
        title: input.title,
        departmentId: input.departmentId,
        type: input.type,
        priority: input.priority,
        priorityRank: priorities.indexOf(input.priority),
        status: 'scheduled',
        requirements,
        payload: input.payload ?? null,
        maxAttempts: input.maxAttempts,
        timeoutMs: input.timeout ?? null,
        estimatedDurationMs: input.estimatedDuration ?? null,
        dependsOn: input.dependsOn,
        parentTaskId: input.parentTaskId ?? null,
        targetAgentId: input.targetAgentId ?? null,
        createdBy: principal.id || null,
        idempotencyKey: key ?? null,
        availableAt: runAt,
      });
      await insertTaskEvent(tx, { taskId: id, type: 'created', detail: { by: principal.name, runAt: runAt.toISOString() } });
      await queueTaskEvent(tx, 'task.created', id);
      await audit(tx, principal, {
        action: 'task.create',
        targetType: 'task',
        targetId: id,
        departmentId: input.departmentId,
        detail: { priority: input.priority, type: input.type, runAt: runAt.toISOString() },
      });
      return row;
    });
    publishLive({ type: 'task:update', scope: row.departmentId, data: { id: row.id, status: row.status } });
    recordTaskCreated(row.departmentId);
    return row;
  } catch (err) {
    // Two requests with one Idempotency-Key raced: the loser answers the winner's task.
    const e = err as { code?: string; cause?: { code?: string } };
    if (key && (e.code === '23505' || e.cause?.code === '23505')) {
      const again = await taskByIdempotencyKey(db, principal.id, key);
      if (again) return again;
    }
    throw err;
  }
}

/** Cancels a task still waiting for its start time: nothing holds it, so one guarded update. */
export async function cancelScheduledTask(db: Db, principal: Principal, id: string): Promise<TaskRow> {
  const row = await db.transaction(async (tx) => {
    const row = await cancelWhileScheduled(tx, id);
    if (!row) throw conflict('Task changed state while cancelling; read it again');
    await insertTaskEvent(tx, { taskId: id, type: 'cancelled', detail: { by: principal.name, while: 'scheduled' } });
    await audit(tx, principal, { action: 'task.cancel', targetType: 'task', targetId: id, departmentId: row.departmentId });
    return row;
  });
  publishLive({ type: 'task:update', scope: row.departmentId, data: { id, status: 'cancelled' } });
  emitDomain('task:finished', { taskId: id, parentTaskId: row.parentTaskId, status: 'cancelled' });
  return row;
}

/**
 * Scheduled tasks whose time has come become pending. Any number of processes may run this at
 * once: each row is taken by one (SKIP LOCKED) and only while still 'scheduled'.
 */
export async function promoteDue(db: Db): Promise<number> {
  const promoted = await promoteDueTasks(db, 500);
  for (const t of promoted) {
    publishLive({ type: 'task:update', scope: t.departmentId, data: { id: t.id, status: 'pending' } });
    emitDomain('task:ready', { departmentId: t.departmentId, taskId: t.id });
  }
  return promoted.length;
}
