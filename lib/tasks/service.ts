import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, getTableColumns, sql, type SQL, inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { taskEvents, tasks } from '@/db/schema/work';
import { priorities, type TaskRequirements } from '@/db/vocabulary';
import type { TaskRow } from '@/db/queries/tasks';
import { mapRow } from '@/db/rows';
import { runText } from '@/db/raw';
import { authorize, departmentFilter, inScope, OutOfScope, type Principal } from '../permissions/rbac';
import { audit, auditInsertText, auditWritten } from '../audit/log';
import { conflict, notFound, unprocessable } from '../errors';
import { admitNewTask, linksOf, unknownLinks } from './admission';
import { emitDomain, publishLive } from '../live';
import { recordTaskCreated } from '../metrics/record';
import { beforeCursor, cursorTime, decodeCursor, page } from '../paging/cursor';
import { bookForNew, dispatchTask, settleFailedNew, settleNew } from '../dispatch/dispatcher';
import { leaseMsOf } from '../lifecycle/lease';
import { requeueTask } from '../lifecycle/lifecycle';
import type { CreateTaskInput, ListTasksQuery } from './schemas';
import { whyWaiting } from './wait-reason';
import { cancelScheduledTask, createScheduledTask, startOf } from './scheduled';
import { cancelDependants } from '../lifecycle/dependencies';
import { attemptsOf } from '@/db/queries/attempts';
import { taskOutboxCte } from '../outbox/outbox';
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
  const existing = key ? await findByIdempotencyKey(db, principal.id, key) : undefined;
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
    ? auditInsertText(CREATE_PARAMS + 1, principal, {
        action: 'task.create',
        targetType: 'task',
        targetId: id,
        departmentId: input.departmentId,
        detail: { priority: input.priority, type: input.type },
      })
    : undefined;
  const params = [
    id,
    input.title,
    input.departmentId,
    input.type,
    input.priority,
    rank(input.priority),
    JSON.stringify(requirements),
    input.payload === undefined || input.payload === null ? null : JSON.stringify(input.payload),
    input.maxAttempts,
    input.timeout ?? null,
    input.estimatedDuration ?? null,
    input.dependsOn.join(','),
    input.parentTaskId ?? null,
    input.targetAgentId ?? null,
    principal.id || null,
    key ?? null,
    booked ?? null,
    leaseMsOf(draft),
    JSON.stringify({ by: principal.name }),
    input.dependencyPolicy ?? 'cancel',
  ];
  const row = await (async () => {
    const text = auditText
      ? `${CREATE_TASK}, audited as (${auditText.text}) select * from created`
      : `${CREATE_TASK} select * from created`;
    const [raw] = await runText(db, text, auditText ? [...params, ...auditText.params] : params);
    if (audited) auditWritten(db);
    return mapRow(tasks, raw);
  })().catch(async (err) => {
    if (booked) await settleFailedNew(db, id, booked).catch(() => undefined);
    // Two requests with one key raced: the loser answers the winner's task.
    const again = key && isUniqueViolation(err) ? await findByIdempotencyKey(db, principal.id, key) : undefined;
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
  const [now] = await db.select().from(tasks).where(eq(tasks.id, row.id)).limit(1);
  return toTask(now ?? row);
}

const CREATE_PARAMS = 20;

/**
 * A task, its events and (appended by the caller) its audit row in one statement, one round trip.
 * With a booked agent ($17) whose slot is still free the task is born assigned to it, lease
 * running; otherwise it is born pending. Subscribed webhooks get task.created in the same statement
 * (lib/outbox/outbox.ts). Written out rather than built: see db/raw.ts.
 */
const CREATE_TASK = `with slot as (
    update agents set active_tasks = active_tasks + 1,
      status = case when status = 'idle' then 'busy' else status end, last_assigned_at = clock_timestamp()
    where id = $17::uuid and active_tasks < max_concurrent_tasks and status in ('idle', 'busy')
    returning id
  ), created as (
    insert into tasks (id, title, department_id, type, priority, priority_rank, requirements, payload,
      max_attempts, timeout_ms, estimated_duration_ms, depends_on, parent_task_id, target_agent_id, created_by, idempotency_key,
      status, assigned_agent_id, assigned_at, lease_expires_at, attempts, dependency_policy)
    select $1::uuid, $2::text, $3::text, $4::text, $5::text, $6::smallint, $7::jsonb, $8::jsonb, $9::int, $10::int, $11::int,
      string_to_array($12::text, ',')::uuid[], $13::uuid, $14::uuid, $15::text, $16::text,
      case when slot.id is null then 'pending' else 'assigned' end, slot.id,
      case when slot.id is null then null else clock_timestamp() end,
      case when slot.id is null then null else clock_timestamp() + $18::int * interval '1 millisecond' end,
      case when slot.id is null then 0 else 1 end, $20::text
    from (select 1) as one left join slot on true
    returning *
  ), event as (
    insert into task_events (task_id, type, agent_id, detail)
    select id, 'created', null, $19::jsonb from created
    union all
    select id, 'assigned', assigned_agent_id, jsonb_build_object('attempt', 1) from created where assigned_agent_id is not null
  ), hooked as (${taskOutboxCte('task.created', 'created')})`;

export async function listTasks(db: Db, principal: Principal, q: ListTasksQuery) {
  authorize(principal, 'task:read');
  const where: SQL[] = [];
  const scope = departmentFilter(principal);
  if (principal.kind === 'agent') where.push(eq(tasks.assignedAgentId, principal.id));
  else if (scope) where.push(inArray(tasks.departmentId, scope));
  if (q.departmentId) where.push(eq(tasks.departmentId, q.departmentId));
  if (q.status) where.push(eq(tasks.status, q.status));
  if (q.priority) where.push(eq(tasks.priority, q.priority));
  if (q.agentId) where.push(eq(tasks.assignedAgentId, q.agentId));
  if (q.parentTaskId) where.push(eq(tasks.parentTaskId, q.parentTaskId));
  if (q.scheduleId) where.push(eq(tasks.scheduleId, q.scheduleId));
  if (q.q) where.push(sql`${tasks.title} ilike ${'%' + q.q.replace(/[\\%_]/g, (c) => '\\' + c) + '%'}`);
  const cursor = decodeCursor(q.cursor);
  if (cursor) where.push(beforeCursor(tasks.createdAt, tasks.id, cursor));
  const rows = await db
    .select({ ...getTableColumns(tasks), cursorAt: cursorTime(tasks.createdAt) })
    .from(tasks)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(tasks.createdAt), desc(tasks.id))
    .limit(q.limit + 1);
  const p = page(rows, q.limit);
  return { items: p.items.map(toTask), nextCursor: p.nextCursor };
}

/** Loads a task the principal may see, or 404 (also for one outside its departments). */
export async function findVisibleTask(db: Db, principal: Principal, id: string): Promise<TaskRow> {
  authorize(principal, 'task:read');
  const [row] = await db.select().from(tasks).where(eq(tasks.id, id)).limit(1);
  if (!row) throw notFound('Task');
  if (principal.kind === 'agent') {
    if (row.assignedAgentId !== principal.id && row.targetAgentId !== principal.id) throw new OutOfScope('Task');
  } else if (!inScope(principal, row.departmentId)) throw new OutOfScope('Task');
  return row;
}

export async function getTask(db: Db, principal: Principal, id: string) {
  const row = await findVisibleTask(db, principal, id);
  const [events, children, attempts] = await Promise.all([
    db.select().from(taskEvents).where(eq(taskEvents.taskId, id)).orderBy(asc(taskEvents.id)).limit(1000),
    db.select().from(tasks).where(eq(tasks.parentTaskId, id)).orderBy(asc(tasks.createdAt)).limit(200),
    attemptsOf(db, id),
  ]);
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
  const [row] = await db
    .update(tasks)
    .set({ status: 'cancelled', finishedAt: new Date(), updatedAt: new Date() })
    .where(and(eq(tasks.id, id), eq(tasks.status, 'pending')))
    .returning();
  if (!row) throw conflict('Task changed state while cancelling; read it again');
  await db.insert(taskEvents).values({ taskId: id, type: 'cancelled', detail: { by: principal.name } });
  await audit(db, principal, { action: 'task.cancel', targetType: 'task', targetId: id, departmentId: row.departmentId });
  publishLive({ type: 'task:update', scope: row.departmentId, data: { id, status: 'cancelled' } });
  emitDomain('task:finished', { taskId: id, parentTaskId: row.parentTaskId, status: 'cancelled' });
  await cancelDependants(db, [id]);
  return toTask(row);
}

export async function retryTask(db: Db, principal: Principal, id: string) {
  const cur = await findVisibleTask(db, principal, id);
  authorize(principal, 'task:retry', { departmentId: cur.departmentId, what: 'Task' });
  const [row] = await db
    .update(tasks)
    .set({
      status: 'pending',
      attempts: 0,
      error: null,
      statusReason: null,
      assignedAgentId: null,
      availableAt: new Date(),
      finishedAt: null,
      progress: 0,
      updatedAt: new Date(),
    })
    .where(and(eq(tasks.id, id), sql`${tasks.status} in ('failed', 'dead', 'cancelled')`))
    .returning();
  if (!row) throw conflict(`Task is ${cur.status}; only failed, dead or cancelled tasks can be retried`);
  await db.insert(taskEvents).values({ taskId: id, type: 'retried', detail: { by: principal.name } });
  await audit(db, principal, { action: 'task.retry', targetType: 'task', targetId: id, departmentId: row.departmentId });
  const agentId = await dispatchTask(db, row);
  return toTask(agentId ? { ...row, status: 'assigned', assignedAgentId: agentId } : row);
}

async function findByIdempotencyKey(db: Db, createdBy: string, key: string): Promise<TaskRow | undefined> {
  const [row] = await db
    .select()
    .from(tasks)
    .where(and(eq(tasks.createdBy, createdBy), eq(tasks.idempotencyKey, key)))
    .limit(1);
  return row;
}

function isUniqueViolation(err: unknown): boolean {
  const e = err as { code?: string; cause?: { code?: string } };
  return e?.code === '23505' || e?.cause?.code === '23505';
}
