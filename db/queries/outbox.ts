import type { Db } from '../client';
import { runText } from '../raw';
import type { WebhookEventType } from '../vocabulary';
import { bodySql, subscribersWhere, taskDataSql } from './webhook-outbox';

/*
 * The outbox writes. Each is one INSERT … SELECT from the webhooks subscribed to the event, run in
 * the transaction (or statement) that records the event itself: the event and its deliveries commit
 * or vanish together, so a crash between them loses nothing. With no subscriber the SELECT finds
 * no row (a scan of a table of a few rows) and nothing is written. A webhook made after the event
 * committed does not get it, and needs no cache to be right about that.
 */

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
