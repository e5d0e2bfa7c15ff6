import type { Db } from '../client';
import { runText } from '../raw';
import { mapRow } from '../rows';
import { tasks } from '../schema/work';
import type { TaskRow } from './tasks';
import { taskOutboxCte } from './webhook-outbox';

/** What the create statement writes; `bookedAgentId` is the agent it hands the task to when its slot is still free. */
export type NewTaskValues = {
  id: string;
  title: string;
  departmentId: string;
  type: string;
  priority: string;
  priorityRank: number;
  requirements: unknown;
  payload: unknown;
  maxAttempts: number;
  timeoutMs: number | null;
  estimatedDurationMs: number | null;
  dependsOn: readonly string[];
  parentTaskId: string | null;
  targetAgentId: string | null;
  createdBy: string | null;
  idempotencyKey: string | null;
  bookedAgentId: string | null;
  leaseMs: number;
  event: unknown;
  dependencyPolicy: string;
};

/** Parameters the create statement takes: an audit insert appended to it numbers its own from the next. */
export const NEW_TASK_PARAMS = 20;

/**
 * Creates the task (with its events, its webhook deliveries and, given `audit`, its audit row) in
 * one statement, one round trip, and answers the row as stored.
 */
export async function insertNewTask(db: Db, v: NewTaskValues, audit?: { text: string; params: unknown[] }): Promise<TaskRow> {
  const params = [
    v.id,
    v.title,
    v.departmentId,
    v.type,
    v.priority,
    v.priorityRank,
    JSON.stringify(v.requirements),
    v.payload === undefined || v.payload === null ? null : JSON.stringify(v.payload),
    v.maxAttempts,
    v.timeoutMs,
    v.estimatedDurationMs,
    v.dependsOn.join(','),
    v.parentTaskId,
    v.targetAgentId,
    v.createdBy,
    v.idempotencyKey,
    v.bookedAgentId,
    v.leaseMs,
    JSON.stringify(v.event),
    v.dependencyPolicy,
  ];
  const text = audit ? `${CREATE_TASK}, audited as (${audit.text}) select * from created` : `${CREATE_TASK} select * from created`;
  const [raw] = await runText(db, text, audit ? [...params, ...audit.params] : params);
  return mapRow(tasks, raw);
}

/**
 * A task, its events and (appended by the caller) its audit row in one statement, one round trip.
 * With a booked agent ($17) whose slot is still free the task is born assigned to it, lease
 * running; otherwise it is born pending. Subscribed webhooks get task.created in the same statement
 * (db/queries/outbox.ts). Written out rather than built: see db/raw.ts.
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
