import type { Db } from '../client';
import { runText } from '../raw';
import type { WebhookEventType } from '../vocabulary';
import { bodySql, subscribersWhere } from './outbox-text';

/*
 * The outbox writes. Each is one INSERT … SELECT from the webhooks subscribed to the event, run in
 * the transaction (or statement) that records the event itself: the event and its deliveries commit
 * or vanish together, so a crash between them loses nothing. With no subscriber the SELECT finds
 * no row (a scan of a table of a few rows) and nothing is written. A webhook made after the event
 * committed does not get it, and needs no cache to be right about that.
 */

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

const TASK_EVENT = `insert into webhook_deliveries (webhook_id, event_type, payload)
  select w.id, $1::text, ${bodySql('$1::text', taskDataSql('s'))}
  from tasks s join webhooks w on ${subscribersWhere('$1::text', 's.department_id')}
  where s.id = $2::uuid`;

/** Queues a task event; call inside the transaction that changed the task (it reads the row as changed). */
export async function queueTaskEvent(tx: Db, type: WebhookEventType, taskId: string): Promise<void> {
  await runText(tx, TASK_EVENT, [type, taskId]);
}

const EVENT = `insert into webhook_deliveries (webhook_id, event_type, payload)
  select w.id, $1::text, ${bodySql('$1::text', '$3::jsonb')}
  from webhooks w where ${subscribersWhere('$1::text', '$2::text')} and ($4::uuid is null or w.id <> $4::uuid)`;

/**
 * Queues an event whose object the caller already holds (agent, alert, schedule firing), inside
 * the caller's transaction. `except`: a webhook that must not hear it (its own failure alert).
 */
export async function queueEvent(
  tx: Db,
  type: WebhookEventType,
  departmentId: string | null,
  data: unknown,
  except?: string,
): Promise<void> {
  await runText(tx, EVENT, [type, departmentId, JSON.stringify(data), except ?? null]);
}
