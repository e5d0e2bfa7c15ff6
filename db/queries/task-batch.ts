import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../client';
import { runText } from '../raw';
import { tasks } from '../schema/work';
import type { TaskStatus } from '../vocabulary';
import { taskOutboxCte } from './webhook-outbox';

/** One task of a batch as its insert statement takes it. */
export type BatchTaskValues = {
  id: string;
  title: string;
  departmentId: string;
  type: string;
  priority: string;
  priorityRank: number;
  requirements: unknown;
  payload?: unknown;
  maxAttempts: number;
  timeoutMs: number | null;
  estimatedDurationMs: number | null;
  dependsOn: readonly string[];
  parentTaskId: string | null;
  targetAgentId: string | null;
  idempotencyKey: string | null;
  status: 'scheduled' | 'pending';
  availableAt: Date | null;
  dependencyPolicy: string;
  event: unknown;
};

/** Parameters the batch statement takes: an audit insert appended to it numbers its own from the next. */
export const TASK_BATCH_PARAMS = 2;

/**
 * The tasks, their `created` events, their webhook deliveries and the audit row (`audit`, numbered
 * from TASK_BATCH_PARAMS + 1) in one statement. Rows go in batch order with created_at taken per
 * row, so the queue hands them out in that order. Answers the tasks made, in that order.
 */
export async function insertTaskBatch(
  db: Db,
  items: readonly BatchTaskValues[],
  createdBy: string | null,
  audit: { text: string; params: unknown[] },
): Promise<{ id: string; status: TaskStatus }[]> {
  const rows = items.map((v) => ({
    id: v.id,
    title: v.title,
    department_id: v.departmentId,
    type: v.type,
    priority: v.priority,
    priority_rank: v.priorityRank,
    requirements: v.requirements,
    ...(v.payload === undefined || v.payload === null ? {} : { payload: v.payload }),
    max_attempts: v.maxAttempts,
    timeout_ms: v.timeoutMs,
    estimated_duration_ms: v.estimatedDurationMs,
    depends_on: v.dependsOn.join(','),
    parent_task_id: v.parentTaskId,
    target_agent_id: v.targetAgentId,
    idempotency_key: v.idempotencyKey,
    status: v.status,
    available_at: v.availableAt?.toISOString() ?? null,
    dependency_policy: v.dependencyPolicy,
    event: v.event,
  }));
  return runText<{ id: string; status: TaskStatus }>(
    db,
    `${CREATE_TASKS}, audited as (${audit.text}) select created.id, created.status from created join input on input.id = created.id order by input.ord`,
    [JSON.stringify(rows), createdBy, ...audit.params],
  );
}

/** Subscribed webhooks get task.created for each task in the same statement (db/queries/outbox.ts). */
const CREATE_TASKS = `with input as (
    select * from rows from (jsonb_to_recordset($1::jsonb) as (id uuid, title text, department_id text, type text,
      priority text, priority_rank smallint, requirements jsonb, payload jsonb, max_attempts int, timeout_ms int,
      estimated_duration_ms int, depends_on text, parent_task_id uuid, target_agent_id uuid, idempotency_key text,
      status text, available_at timestamptz, dependency_policy text, event jsonb)) with ordinality
      as r(id, title, department_id, type, priority, priority_rank, requirements, payload, max_attempts, timeout_ms,
      estimated_duration_ms, depends_on, parent_task_id, target_agent_id, idempotency_key, status, available_at,
      dependency_policy, event, ord)
  ), created as (
    insert into tasks (id, title, department_id, type, priority, priority_rank, requirements, payload, max_attempts, timeout_ms,
      estimated_duration_ms, depends_on, parent_task_id, target_agent_id, created_by, idempotency_key, status, available_at,
      dependency_policy, created_at)
    select id, title, department_id, type, priority, priority_rank, requirements, payload, max_attempts, timeout_ms,
      estimated_duration_ms, string_to_array(depends_on, ',')::uuid[], parent_task_id, target_agent_id, $2::text, idempotency_key,
      status, coalesce(available_at, now()), dependency_policy, clock_timestamp()
    from input order by ord
    returning *
  ), event as (
    insert into task_events (task_id, type, agent_id, detail)
    select created.id, 'created', null, input.event from created join input on input.id = created.id
  ), hooked as (${taskOutboxCte('task.created', 'created')})`;

/** Holds one batch's Idempotency-Key of one principal until the transaction ends. */
export async function lockTaskBatchKey(tx: Db, principalId: string, key: string): Promise<void> {
  await runText(tx, `select pg_advisory_xact_lock(hashtextextended($1::text, 0))`, [`task-batch\n${principalId}\n${key}`]);
}

/** The principal's tasks made under any of these idempotency keys. */
export async function tasksByIdempotencyKeys(db: Db, createdBy: string, keys: string[]) {
  return db
    .select({ id: tasks.id, status: tasks.status, idempotencyKey: tasks.idempotencyKey })
    .from(tasks)
    .where(and(eq(tasks.createdBy, createdBy), inArray(tasks.idempotencyKey, keys)));
}
