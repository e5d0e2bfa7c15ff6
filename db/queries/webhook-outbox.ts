import type { WebhookEventType } from '../vocabulary';

/*
 * Statement text for queuing webhook deliveries inside a bigger statement or transaction, so an
 * event and its deliveries commit or vanish together (db/queries/outbox.ts says why).
 */

/** Matching webhooks for an event of type `type` in department `dept` (both SQL expressions). */
export function subscribersWhere(type: string, dept: string): string {
  return `w.enabled and ${type} = any(w.events) and (w.department_id is null or w.department_id = ${dept})`;
}

/** The JSON body of every delivery: Standard Webhooks' {type, timestamp, data}. */
export function bodySql(type: string, data: string): string {
  return `jsonb_build_object('type', ${type}, 'timestamp', to_char(clock_timestamp() at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'), 'data', ${data})`;
}

/** A task as webhooks see it, from a row of `tasks` (or a CTE returning tasks' columns) named `t`. */
export function taskDataSql(t: string): string {
  return `jsonb_build_object('id', ${t}.id, 'title', ${t}.title, 'departmentId', ${t}.department_id, 'type', ${t}.type,
    'priority', ${t}.priority, 'status', ${t}.status, 'attempts', ${t}.attempts, 'maxAttempts', ${t}.max_attempts,
    'assignedAgentId', ${t}.assigned_agent_id, 'error', ${t}.error, 'reason', ${t}.status_reason, 'result', ${t}.result,
    'parentTaskId', ${t}.parent_task_id, 'scheduleId', ${t}.schedule_id, 'createdAt', ${t}.created_at, 'finishedAt', ${t}.finished_at)`;
}

/**
 * The CTE body that queues `type` for each task row of `source` (a CTE of tasks' columns) in a
 * bigger statement: task creation and the batched completion add it as one more step.
 */
export function taskOutboxCte(type: WebhookEventType, source: string): string {
  return `insert into webhook_deliveries (webhook_id, event_type, payload)
    select w.id, '${type}', ${bodySql(`'${type}'`, taskDataSql('s'))}
    from ${source} s join webhooks w on ${subscribersWhere(`'${type}'`, 's.department_id')}`;
}
