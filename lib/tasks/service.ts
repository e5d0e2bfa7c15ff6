import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { priorities, type TaskRequirements } from '@/db/vocabulary';
import { childTasksOf, findTask, taskByIdempotencyKey, type TaskRow } from '@/db/queries/tasks';
import { insertNewTask, NEW_TASK_PARAMS } from '@/db/queries/task-create';
import { taskPage } from '@/db/queries/task-list';
import { insertTaskEvent, taskEventsOf } from '@/db/queries/task-events';
import { cancelPendingTask, resetTaskForRetry } from '@/db/queries/task-transitions';
import { authorize, departmentFilter, inScope, OutOfScope, type Principal } from '../permissions/rbac';
import { audit, auditInsertText, auditWritten } from '../audit/log';
import { conflict, notFound, unprocessable } from '../errors';
import { admitNewTask, linksOf, unknownLinks } from './admission';
import { emitDomain, publishLive } from '../live';
import { recordTaskCreated } from '../metrics/record';
import { decodeCursor, page } from '../paging/cursor';
import { bookForNew, dispatchTask, settleFailedNew, settleNew } from '../dispatch/dispatcher';
import { leaseMsOf } from '../lifecycle/lease';
import { requeueTask } from '../lifecycle/lifecycle';
import type { CreateTaskInput, ListTasksQuery } from './schemas';
import { whyWaiting } from './wait-reason';
import { cancelScheduledTask, createScheduledTask, startOf } from './scheduled';
import { cancelDependants } from '../lifecycle/dependencies';
import { attemptsOf } from '@/db/queries/attempts';
import { takeTaskQuota } from '../quotas/tasks';
import { capRefusal } from '../quotas/errors';

export type Task = ReturnType<typeof toTask>;
/** GET /api/v1/tasks/{id}: the task with its timeline, attempts, ETA, children and (pending) why it waits. */
export type TaskDetail = Awaited<ReturnType<typeof getTask>>;

export function toTask(row: TaskRow) {
  return {
    id: row.id,
    title: row.title,
    departmentId: row.departmentId,
    type: row.type,
    priority: row.priority,
    status: row.status,
    requirements: row.requirements,
    payload: row.payload,
    result: row.result,
    error: row.error,
    progress: row.progress,
    assignedAgentId: row.assignedAgentId,
    targetAgentId: row.targetAgentId,
    attempts: row.attempts,
    maxAttempts: row.maxAttempts,
    timeout: row.timeoutMs,
    estimatedDuration: row.estimatedDurationMs,
    dependsOn: row.dependsOn,
    dependencyPolicy: row.dependencyPolicy,
    /** Why it ended as it did, when there is more to say than its status: `timeout`, `dependency-failed`. */
    reason: row.statusReason,
    parentTaskId: row.parentTaskId,
    scheduleId: row.scheduleId ?? null,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    assignedAt: row.assignedAt?.toISOString() ?? null,
    startedAt: row.startedAt?.toISOString() ?? null,
    finishedAt: row.finishedAt?.toISOString() ?? null,
    availableAt: row.availableAt.toISOString(),
    leaseExpiresAt: row.leaseExpiresAt?.toISOString() ?? null,
  };
}

const rank = (p: (typeof priorities)[number]) => priorities.indexOf(p);

/** Creates a pending task and offers it to a fitting connected agent at once. */
export async function createTask(
  db: Db,
  principal: Principal,
  input: CreateTaskInput,
  opts: { audit?: boolean; idempotencyKey?: string } = {},
) {
  const { requirements, department: dept } = await admitNewTask(db, principal, input);
  const linked = linksOf(input);
  const missing = [...(await unknownLinks(db, principal, linked))];
  if (missing.length)
    throw unprocessable('Unknown dependency or parent task', {
      errors: missing.map((id) => ({ path: 'dependsOn', message: `No task ${id}` })),
    });
  const key = opts.idempotencyKey && principal.id ? opts.idempotencyKey : undefined;
  const existing = key ? await taskByIdempotencyKey(db, principal.id, key) : undefined;
  if (existing) return toTask(existing);
  // Quotas: the rate is taken here, the caps are checked by the insert itself (lib/quotas/tasks.ts).
  const quota = await takeTaskQuota(db, dept, 1);
  try {
    return await insertTask(db, principal, input, requirements, key, opts);
  } catch (err) {
    // Refused by a cap: no task, so its point of the rate goes back. Any other failure may have
    // come after the row was written, and keeps it.
    const cap = capRefusal(err, dept.id);
    if (!cap) throw err;
    await quota.giveBack();
    throw cap;
  }
}

async function insertTask(
  db: Db,
  principal: Principal,
  input: CreateTaskInput,
  requirements: TaskRequirements,
  key: string | undefined,
  opts: { audit?: boolean },
) {
  const runAt = startOf(input);
  if (runAt) return toTask(await createScheduledTask(db, principal, input, requirements, runAt, key));
  const id = randomUUID();
  const ready = input.dependsOn.length === 0;
  const draft = {
    id,
    departmentId: input.departmentId,
    requirements,
    priority: input.priority,
    timeoutMs: input.timeout ?? null,
    targetAgentId: input.targetAgentId ?? null,
  };
  const booked = ready ? await bookForNew(db, draft) : undefined;
  const audited = opts.audit !== false;
  const auditText = audited
    ? auditInsertText(NEW_TASK_PARAMS + 1, principal, {
        action: 'task.create',
        targetType: 'task',
        targetId: id,
        departmentId: input.departmentId,
        detail: { priority: input.priority, type: input.type },
      })
    : undefined;
  const values = {
    id,
    title: input.title,
    departmentId: input.departmentId,
    type: input.type,
    priority: input.priority,
    priorityRank: rank(input.priority),
    requirements,
    payload: input.payload,
    maxAttempts: input.maxAttempts,
    timeoutMs: input.timeout ?? null,
    estimatedDurationMs: input.estimatedDuration ?? null,
    dependsOn: input.dependsOn,
    parentTaskId: input.parentTaskId ?? null,
    targetAgentId: input.targetAgentId ?? null,
    createdBy: principal.id || null,
    idempotencyKey: key ?? null,
    bookedAgentId: booked ?? null,
    leaseMs: leaseMsOf(draft),
    event: { by: principal.name },
    dependencyPolicy: input.dependencyPolicy ?? 'cancel',
  };
  const row = await (async () => {
    const created = await insertNewTask(db, values, auditText);
    if (audited) auditWritten(db);
    return created;
  })().catch(async (err) => {
    if (booked) await settleFailedNew(db, id, booked).catch(() => undefined);
    // Two requests with one key raced: the loser answers the winner's task.
    const again = key && isUniqueViolation(err) ? await taskByIdempotencyKey(db, principal.id, key) : undefined;
    if (again) return again;
    throw err;
  });
  publishLive({ type: 'task:update', scope: row.departmentId, data: { id: row.id, status: row.status } });
  recordTaskCreated(row.departmentId);
  if (row.id !== id) return toTask(row); // the idempotent twin
  const agentId = ready ? await settleNew(db, row, booked) : null;
  if (agentId) return toTask(agentId === row.assignedAgentId ? row : { ...row, status: 'assigned', assignedAgentId: agentId });
  // A dependency that already ended without completing cancels the new task at once (policy cancel).
  if (!ready) await cancelDependants(db, input.dependsOn);
  emitDomain('task:ready', { departmentId: row.departmentId, taskId: row.id, ...(ready ? { task: draft } : {}) });
  // A concurrent dispatch pass may have handed it out meanwhile: answer what is true now.
  const now = await findTask(db, row.id);
  return toTask(now ?? row);
}

export async function listTasks(db: Db, principal: Principal, q: ListTasksQuery) {
  authorize(principal, 'task:read');
  const scope = departmentFilter(principal);
  const rows = await taskPage(
    db,
    {
      heldBy: principal.kind === 'agent' ? principal.id : undefined,
      departmentIds: scope ?? undefined,
      departmentId: q.departmentId,
      status: q.status,
      priority: q.priority,
      assignedAgentId: q.agentId,
      parentTaskId: q.parentTaskId,
      scheduleId: q.scheduleId,
      titleContains: q.q,
      before: decodeCursor(q.cursor),
    },
    q.limit + 1,
  );
  const p = page(rows, q.limit);
  return { items: p.items.map(toTask), nextCursor: p.nextCursor };
}

/** Loads a task the principal may see, or 404 (also for one outside its departments). */
export async function findVisibleTask(db: Db, principal: Principal, id: string): Promise<TaskRow> {
  authorize(principal, 'task:read');
  const row = await findTask(db, id);
  if (!row) throw notFound('Task');
  if (principal.kind === 'agent') {
    if (row.assignedAgentId !== principal.id && row.targetAgentId !== principal.id) throw new OutOfScope('Task');
  } else if (!inScope(principal, row.departmentId)) throw new OutOfScope('Task');
  return row;
}

export async function getTask(db: Db, principal: Principal, id: string) {
  const row = await findVisibleTask(db, principal, id);
  const [events, children, attempts] = await Promise.all([taskEventsOf(db, id, 1000), childTasksOf(db, id, 200), attemptsOf(db, id)]);
  const task = toTask(row);
  return {
    ...task,
    // Each hand-out and how it ended; `attempts` stays the count, as in lists and agent payloads.
    attemptHistory: attempts.map(attemptView),
    eta: etaOf(row),
    // A pending task says why nobody has it yet (console and scripts alike).
    waiting: row.status === 'pending' ? await whyWaiting(db, task) : null,
    events: events.map((e) => ({ id: e.id, at: e.at.toISOString(), type: e.type, agentId: e.agentId, detail: e.detail })),
    children: children.map((c) => ({
      id: c.id,
      title: c.title,
      departmentId: c.departmentId,
      status: c.status,
      assignedAgentId: c.assignedAgentId,
    })),
  };
}

type AttemptRow = Awaited<ReturnType<typeof attemptsOf>>[number];

function attemptView(a: AttemptRow) {
  return {
    attempt: a.attempt,
    agentId: a.agentId,
    agentName: a.agentName,
    startedAt: a.startedAt.toISOString(),
    endedAt: a.endedAt?.toISOString() ?? null,
    durationMs: a.endedAt ? a.endedAt.getTime() - a.startedAt.getTime() : null,
    outcome: a.outcome,
    error: a.error,
  };
}

/**
 * When an active task with an estimated duration should finish: its attempt's hand-out plus the
 * estimate. `overrun` once it has run past twice the estimate (an alert is raised then too).
 */
function etaOf(row: TaskRow, now = Date.now()) {
  if (!row.estimatedDurationMs || !row.assignedAt || !['assigned', 'running'].includes(row.status)) return null;
  const start = row.assignedAt.getTime();
  return {
    finishAt: new Date(start + row.estimatedDurationMs).toISOString(),
    remainingMs: Math.max(0, start + row.estimatedDurationMs - now),
    overrun: now - start > 2 * row.estimatedDurationMs,
  };
}

export async function cancelTask(db: Db, principal: Principal, id: string) {
  const cur = await findVisibleTask(db, principal, id);
  authorize(principal, 'task:cancel', { departmentId: cur.departmentId, what: 'Task' });
  if (cur.status === 'scheduled') {
    const row = await cancelScheduledTask(db, principal, id);
    await cancelDependants(db, [id]);
    return toTask(row);
  }
  if (!['pending', 'assigned', 'running'].includes(cur.status))
    throw conflict(`Task is ${cur.status}; only pending, assigned or running tasks can be cancelled`);
  if (cur.status !== 'pending') {
    // Take it back from the agent first (frees its slot and resources), then cancel.
    await requeueTask(db, id, 'cancelled');
    if (cur.assignedAgentId) emitDomain('task:cancelled', { taskId: id, agentId: cur.assignedAgentId });
  }
  const row = await cancelPendingTask(db, id);
  if (!row) throw conflict('Task changed state while cancelling; read it again');
  await insertTaskEvent(db, { taskId: id, type: 'cancelled', detail: { by: principal.name } });
  await audit(db, principal, { action: 'task.cancel', targetType: 'task', targetId: id, departmentId: row.departmentId });
  publishLive({ type: 'task:update', scope: row.departmentId, data: { id, status: 'cancelled' } });
  emitDomain('task:finished', { taskId: id, parentTaskId: row.parentTaskId, status: 'cancelled' });
  await cancelDependants(db, [id]);
  return toTask(row);
}

export async function retryTask(db: Db, principal: Principal, id: string) {
  const cur = await findVisibleTask(db, principal, id);
  authorize(principal, 'task:retry', { departmentId: cur.departmentId, what: 'Task' });
  const row = await resetTaskForRetry(db, id);
  if (!row) throw conflict(`Task is ${cur.status}; only failed, dead or cancelled tasks can be retried`);
  await insertTaskEvent(db, { taskId: id, type: 'retried', detail: { by: principal.name } });
  await audit(db, principal, { action: 'task.retry', targetType: 'task', targetId: id, departmentId: row.departmentId });
  const agentId = await dispatchTask(db, row);
  return toTask(agentId ? { ...row, status: 'assigned', assignedAgentId: agentId } : row);
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}
