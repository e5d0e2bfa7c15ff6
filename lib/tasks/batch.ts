import { capRefusal } from '../quotas/errors';
import { takeTaskQuota, type TaskQuotaHolder, type TaskQuotaTaken } from '../quotas/tasks';
import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { priorities, type TaskRequirements, type TaskStatus } from '@/db/vocabulary';
import { insertTaskBatch, lockTaskBatchKey, TASK_BATCH_PARAMS, tasksByIdempotencyKeys } from '@/db/queries/task-batch';
import { authorize, type Principal } from '../permissions/rbac';
import { auditInsertText, auditWritten } from '../audit/log';
import { auditDenied, isDenial } from '../security/denied';
import { AppError, badRequest, conflict, unprocessable } from '../errors';
import { toProblem, zodProblems } from '../problems/problem';
import { emitDomain, publishLive } from '../live';
import { recordTaskCreated } from '../metrics/record';
import { admitNewTask, linksOf, unknownLinks } from './admission';
import { cancelDependants } from '../lifecycle/dependencies';
import { startOf } from './scheduled';
import { createTaskBodySchema, MAX_BATCH_TASKS, type CreateTaskInput } from './schemas';

export type ItemProblem = { title: string; status: number; detail?: string; errors?: { path: string; message: string }[] };
export type BatchItemResult = { index: number; id?: string; status?: TaskStatus; error?: ItemProblem };
export type BatchResult = { results: BatchItemResult[]; created: number; failed: number };

type Draft = {
  index: number;
  id: string;
  input: CreateTaskInput;
  requirements: TaskRequirements;
  department: TaskQuotaHolder;
  runAt?: Date;
};

/**
 * Creates up to MAX_BATCH_TASKS tasks in one insert statement. Each item is checked as a single
 * create checks it (schema, admitNewTask, links), and one that fails is answered with its problem
 * while the others are created: partial success. When none can be created the batch is refused as
 * a whole, with the per-item problems. In `dependsOn`, "#n" names the task at index n of the batch.
 *
 * With an Idempotency-Key each task records `key\nindex`: a newline can't come through an HTTP
 * header, so no single create's key can collide with it, and a batch retried after a lost answer
 * finds the tasks it made.
 */
export async function createTasks(
  db: Db,
  principal: Principal,
  items: readonly unknown[],
  opts: { idempotencyKey?: string; door?: string } = {},
): Promise<BatchResult> {
  authorize(principal, 'task:create');
  if (items.length > MAX_BATCH_TASKS)
    throw badRequest(`At most ${MAX_BATCH_TASKS} tasks in one batch: split it`, [{ path: 'tasks', message: `${items.length} items` }]);
  const ids: string[] = items.map(() => randomUUID());
  const results: BatchItemResult[] = items.map((_, index) => ({ index }));
  const failed = (index: number, err: unknown) => {
    results[index] = { index, error: itemProblem(err) };
  };
  let denial: unknown;
  let drafts: Draft[] = [];
  for (let index = 0; index < items.length; index++) {
    try {
      const input = parseItem(items[index], index, ids, results);
      const { requirements, department } = await admitNewTask(db, principal, input);
      drafts.push({ index, id: ids[index], input, requirements, department, runAt: startOf(input) });
    } catch (err) {
      if (isDenial(err)) denial ??= err;
      failed(index, err);
    }
  }
  if (denial) await auditDenied(db, principal, denial, { door: opts.door ?? 'batch', path: 'task:create' });

  const inBatch = new Set<string>(ids);
  const unknown = await unknownLinks(
    db,
    principal,
    drafts.flatMap((d) => linksOf(d.input).filter((id) => !inBatch.has(id))),
  );
  drafts = drafts.filter((d) => {
    const missing = linksOf(d.input).filter((id) => unknown.has(id));
    // Drafts come in index order and depend only on earlier items, so a failure reaches its dependants here.
    const lost = d.input.dependsOn.filter((id) => inBatch.has(id) && results[ids.indexOf(id)].error);
    if (missing.length)
      failed(
        d.index,
        unprocessable('Unknown dependency or parent task', {
          errors: missing.map((id) => ({ path: 'dependsOn', message: `No task ${id}` })),
        }),
      );
    else if (lost.length) failed(d.index, unprocessable(`Depends on item ${ids.indexOf(lost[0])} of this batch, which was not created`));
    return !missing.length && !lost.length;
  });

  const key = opts.idempotencyKey && principal.id ? opts.idempotencyKey : undefined;
  let rows: InsertedRow[] = [];
  if (drafts.length && key) ({ drafts, rows } = await insertOnce(db, principal, drafts, key, failed));
  else if (drafts.length) {
    const quota = await takeQuotas(db, drafts, failed);
    drafts = quota.drafts;
    if (drafts.length) rows = await insertOrGiveBack(quota.taken, () => insertDrafts(db, principal, drafts));
  }
  const made = new Map(rows.map((r) => [r.id, r]));
  for (const d of drafts) {
    const row = made.get(d.id);
    if (row) results[d.index] = { index: d.index, id: row.id, status: row.status };
    else failed(d.index, conflict('Not created when this Idempotency-Key was first used; send it with a new key'));
  }
  const replayed = rows.some((r) => r.replayed);
  if (rows.length && !replayed) await afterInsert(db, drafts, inBatch);

  const created = results.filter((r) => r.id).length;
  const answer = { results, created, failed: results.length - created };
  if (!created) throw refusal(answer);
  return answer;
}

type InsertedRow = { id: string; status: TaskStatus; replayed?: boolean };

/**
 * Each department's items take their points of its rate at once; a department over its rate fails
 * its items alone. Answers the drafts left to insert and what they took.
 */
async function takeQuotas(
  db: Db,
  drafts: Draft[],
  failed: (index: number, err: unknown) => void,
): Promise<{ drafts: Draft[]; taken: TaskQuotaTaken[] }> {
  const taken: TaskQuotaTaken[] = [];
  const byDepartment = new Map<string, Draft[]>();
  for (const d of drafts) byDepartment.set(d.input.departmentId, [...(byDepartment.get(d.input.departmentId) ?? []), d]);
  for (const [deptId, group] of byDepartment) {
    try {
      taken.push(await takeTaskQuota(db, group[0].department, group.length));
    } catch (err) {
      for (const d of group) failed(d.index, err);
      drafts = drafts.filter((d) => d.input.departmentId !== deptId);
    }
  }
  return { drafts, taken };
}

/** A cap (maxPendingTasks, maxMonthlyCost) refuses the one statement, so the whole batch: no task, so the rate points go back. */
async function insertOrGiveBack(taken: TaskQuotaTaken[], insert: () => Promise<InsertedRow[]>): Promise<InsertedRow[]> {
  try {
    return await insert();
  } catch (err) {
    const cap = capRefusal(err);
    if (!cap) throw err;
    await Promise.all(taken.map((t) => t.giveBack()));
    throw cap;
  }
}

/**
 * With a key, one batch at a time per key: the second of two racing requests answers the first's
 * tasks. The rate is taken under the same lock, after the look-up, so a replay takes no points
 * however many copies of the batch race. It is taken in this transaction (PGlite runs nothing
 * beside an open transaction), so a department with a rate inserts in a savepoint: a cap refusal
 * gives the points back before the transaction rolls back.
 */
async function insertOnce(
  db: Db,
  principal: Principal,
  drafts: Draft[],
  key: string,
  failed: (index: number, err: unknown) => void,
): Promise<{ drafts: Draft[]; rows: InsertedRow[] }> {
  return db.transaction(async (tx) => {
    await lockTaskBatchKey(tx, principal.id, key);
    const existing = await tasksByIdempotencyKeys(
      tx,
      principal.id,
      drafts.map((d) => itemKey(key, d.index)),
    );
    if (existing.length) {
      // Answer the ids made the first time, under this batch's ids for the same indexes.
      const byKey = new Map(existing.map((r) => [r.idempotencyKey, r]));
      const rows = drafts.flatMap((d) => {
        const r = byKey.get(itemKey(key, d.index));
        if (!r) return [];
        d.id = r.id;
        return [{ id: r.id, status: r.status, replayed: true }];
      });
      return { drafts, rows };
    }
    const quota = await takeQuotas(tx, drafts, failed);
    const left = quota.drafts;
    if (!left.length) return { drafts: left, rows: [] };
    const rated = left.some((d) => d.department.quotaTasksPerMinute !== null && d.department.quotaTasksPerMinute !== undefined);
    const rows = await insertOrGiveBack(quota.taken, () =>
      rated ? tx.transaction((sp) => insertDrafts(sp, principal, left, key)) : insertDrafts(tx, principal, left, key),
    );
    return { drafts: left, rows };
  });
}

/**
 * The tasks, their `created` events and one audit row naming them all, in one statement. Rows go
 * in batch order with created_at taken per row, so the queue hands them out in that order.
 */
async function insertDrafts(db: Db, principal: Principal, drafts: Draft[], key?: string): Promise<InsertedRow[]> {
  const departments = [...new Set(drafts.map((d) => d.input.departmentId))];
  const audit = auditInsertText(TASK_BATCH_PARAMS + 1, principal, {
    action: 'task.create-batch',
    targetType: 'task',
    departmentId: departments.length === 1 ? departments[0] : null,
    detail: { count: drafts.length, ids: drafts.map((d) => d.id), departments },
  });
  const items = drafts.map((d) => ({
    id: d.id,
    title: d.input.title,
    departmentId: d.input.departmentId,
    type: d.input.type,
    priority: d.input.priority,
    priorityRank: priorities.indexOf(d.input.priority),
    requirements: d.requirements,
    payload: d.input.payload,
    maxAttempts: d.input.maxAttempts,
    timeoutMs: d.input.timeout ?? null,
    estimatedDurationMs: d.input.estimatedDuration ?? null,
    dependsOn: d.input.dependsOn,
    parentTaskId: d.input.parentTaskId ?? null,
    targetAgentId: d.input.targetAgentId ?? null,
    idempotencyKey: key === undefined ? null : itemKey(key, d.index),
    status: d.runAt ? ('scheduled' as const) : ('pending' as const),
    availableAt: d.runAt ?? null,
    dependencyPolicy: d.input.dependencyPolicy ?? 'cancel',
    event: { by: principal.name, batch: true, ...(d.runAt ? { runAt: d.runAt.toISOString() } : {}) },
  }));
  const out = await insertTaskBatch(db, items, principal.id || null, audit);
  auditWritten(db);
  return out;
}

/** Live updates and metrics per task; the dispatcher woken once per department with work ready now. */
async function afterInsert(db: Db, drafts: Draft[], inBatch: Set<string>): Promise<void> {
  const ready = new Map<string, string>();
  const external: string[] = [];
  for (const d of drafts) {
    publishLive({ type: 'task:update', scope: d.input.departmentId, data: { id: d.id, status: d.runAt ? 'scheduled' : 'pending' } });
    recordTaskCreated(d.input.departmentId);
    if (!d.runAt && !d.input.dependsOn.length && !ready.has(d.input.departmentId)) ready.set(d.input.departmentId, d.id);
    external.push(...d.input.dependsOn.filter((id) => !inBatch.has(id)));
  }
  for (const [departmentId, taskId] of ready) emitDomain('task:ready', { departmentId, taskId });
  // A dependency that already ended without completing cancels its new dependants at once (policy cancel).
  if (external.length) await cancelDependants(db, [...new Set(external)]);
}

const itemKey = (key: string, index: number) => `${key}\n${index}`;

/** One item as POST /api/v1/tasks would parse it, after "#n" in dependsOn is replaced by item n's id. */
function parseItem(raw: unknown, index: number, ids: readonly string[], results: readonly BatchItemResult[]): CreateTaskInput {
  const item = raw !== null && typeof raw === 'object' && !Array.isArray(raw) ? { ...(raw as Record<string, unknown>) } : raw;
  if (item && typeof item === 'object' && 'dependsOn' in item && Array.isArray(item.dependsOn)) {
    item.dependsOn = item.dependsOn.map((ref: unknown, k: number) => {
      const m = typeof ref === 'string' ? /^#(\d{1,4})$/.exec(ref) : null;
      if (!m) return ref;
      const n = Number(m[1]);
      if (n >= index)
        throw badRequest('Invalid task', [
          { path: `dependsOn.${k}`, message: `Item ${n} does not come before this one (#n names an earlier item)` },
        ]);
      if (results[n].error)
        throw unprocessable(`Depends on item ${n} of this batch, which was not created`, {
          errors: [{ path: `dependsOn.${k}`, message: `Item ${n} failed` }],
        });
      return ids[n];
    });
  }
  const bad = unstorableText(item);
  if (bad !== undefined)
    throw badRequest('Invalid task', [
      { path: bad || '(item)', message: 'Holds a NUL character or a lone surrogate, which the database refuses' },
    ]);
  const parsed = createTaskBodySchema.safeParse(item);
  if (!parsed.success) throw badRequest('Invalid task', zodProblems(parsed.error));
  return parsed.data;
}

/** An item fails alone with a client's problem; anything else (the database down) fails the batch. */
function itemProblem(err: unknown): ItemProblem {
  const p = toProblem(err);
  if (p.status >= 500) throw err;
  return { title: p.title, status: p.status, ...(p.detail ? { detail: p.detail } : {}), ...(p.errors ? { errors: p.errors } : {}) };
}

/** Nothing created: the status every item agrees on (404 for another department's, say), else 400. */
function refusal(answer: BatchResult): AppError {
  const statuses = new Set(answer.results.map((r) => r.error?.status));
  const [only] = statuses;
  const status = statuses.size === 1 && only ? only : 400;
  const title = status === 400 ? 'Bad Request' : (answer.results[0].error?.title ?? 'Bad Request');
  return new AppError(status, title, `None of the ${answer.results.length} tasks was created; see results`, answer);
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * The path of a string Postgres would refuse (NUL, or a lone surrogate in JSON), else undefined.
 * A single create learns it from the database; a batch must find it first, or one item would
 * fail all the others' statement.
 */
function unstorableText(value: unknown, path = ''): string | undefined {
  if (typeof value === 'string') return value.includes('\u0000') || LONE_SURROGATE.test(value) ? path : undefined;
  if (value === null || typeof value !== 'object') return undefined;
  for (const [k, v] of Object.entries(value)) {
    const at = path ? `${path}.${k}` : k;
    if (k.includes('\u0000') || LONE_SURROGATE.test(k)) return at;
    const found = unstorableText(v, at);
    if (found !== undefined) return found;
  }
  return undefined;
}
