import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { runText } from '@/db/raw';
import { webhookDeliveries, type WebhookDeliveryRow, type WebhookRow } from '@/db/schema/webhooks';
import { alerts } from '@/db/schema/work';
import { and, eq, sql } from 'drizzle-orm';
import { decryptSecret } from '../keys/crypto';
import { env } from '../env';
import { log } from '../log';
import { publishLive } from '../live';
import { queueAlertEvent } from '../alerts/webhook';
import { sendSigned, type SendResult } from './send';

/** Deliveries one process starts per pass, over all endpoints. */
const PER_PASS = 32;
/** Webhooks one pass looks at; the others wait for the next pass (a second later). */
const HOOKS_PER_PASS = 100;
const MAX_BACKOFF_MS = 3_600_000;

/** The pause after a failed attempt: base (5 s) doubling each attempt, capped at an hour, ±10 %. */
export function retryDelayMs(attempts: number, baseMs = env().WEBHOOK_RETRY_BASE_MS): number {
  const plain = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.9 + Math.random() * 0.2));
}

type Claimed = {
  id: string;
  webhook_id: string;
  event_type: string;
  payload: unknown;
  attempts: number;
  url: string;
  secret: string;
  department_id: string | null;
  source: string;
};

/** A claim that outlived its process (killed mid-delivery) goes back to pending: at least once. */
const RECLAIM = `update webhook_deliveries set status = 'pending', locked_until = null
  where status = 'delivering' and locked_until < now()`;

/**
 * The webhooks with due deliveries, locked for this claim. FOR NO KEY UPDATE: the outbox writes
 * take no lock on webhooks, and SKIP LOCKED lets another process claim for other endpoints.
 */
const LOCK_HOOKS = `select w.id from webhooks w
  where w.enabled and exists (select 1 from webhook_deliveries d where d.webhook_id = w.id and d.status = 'pending' and d.next_attempt_at <= now())
  order by w.id limit ${HOOKS_PER_PASS}
  for no key update of w skip locked`;

/**
 * Claims due deliveries of the locked webhooks, each up to its free in-flight slots ($2 minus the
 * claims under way). A second statement in the locking transaction on purpose: its snapshot is
 * taken after the locks were granted, so it counts every claim a previous holder committed.
 */
const CLAIM = `with hooks as (
    select id from jsonb_array_elements_text($1::jsonb) as h(id)
  ), picked as (
    select p.id from hooks h cross join lateral (
      select d.id from webhook_deliveries d
      where d.webhook_id = h.id::uuid and d.status = 'pending' and d.next_attempt_at <= now()
      order by d.next_attempt_at, d.id
      limit greatest(0, $2::int - (select count(*) from webhook_deliveries x where x.webhook_id = h.id::uuid and x.status = 'delivering'))
      for update skip locked
    ) p
    limit $3::int
  )
  update webhook_deliveries d set status = 'delivering', attempts = d.attempts + 1, last_attempt_at = now(),
    locked_until = now() + $4::int * interval '1 millisecond'
  from picked, webhooks w
  where d.id = picked.id and w.id = d.webhook_id
  returning d.id, d.webhook_id, d.event_type, d.payload, d.attempts, w.url, w.secret, w.department_id, w.source`;

async function claim(db: Db, limit: number): Promise<Claimed[]> {
  await runText(db, RECLAIM, []);
  return db.transaction(async (tx) => {
    const hooks = await runText<{ id: string }>(tx, LOCK_HOOKS, []);
    if (!hooks.length) return [];
    // Past the request's own time limit with room to record the outcome: a claim older than this
    // belongs to a process that died, and its row goes out again.
    const lockMs = 2 * env().WEBHOOK_TIMEOUT_MS + 5_000;
    return runText<Claimed>(tx, CLAIM, [JSON.stringify(hooks.map((h) => h.id)), env().WEBHOOK_MAX_IN_FLIGHT, limit, lockMs]);
  });
}

/**
 * One pass: claim what is due (respecting each endpoint's in-flight limit), send it, record the
 * outcome. Any number of processes may run it at once: a row is claimed by one of them, and a
 * claim whose process died is taken back after its lock time. Answers how many were sent.
 */
export async function deliverDue(db: Db, opts: { limit?: number } = {}): Promise<number> {
  const batch = await claim(db, opts.limit ?? PER_PASS);
  await Promise.all(batch.map((d) => deliverOne(db, d)));
  return batch.length;
}

async function deliverOne(db: Db, d: Claimed): Promise<void> {
  let result: SendResult;
  try {
    const body = typeof d.payload === 'string' ? d.payload : JSON.stringify(d.payload);
    result = await sendSigned({ url: d.url, secret: decryptSecret(d.secret), id: d.id, body, trusted: d.source === 'env' });
  } catch (err) {
    result = { ok: false, status: null, latencyMs: 0, error: (err as Error).message, body: '' };
  }
  await record(db, d, result).catch((err) =>
    log().warn({ err: (err as Error).message, delivery: d.id }, 'webhook delivery outcome not recorded'),
  );
}

async function record(db: Db, d: Claimed, r: SendResult): Promise<void> {
  const mine = and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.status, 'delivering'), eq(webhookDeliveries.attempts, d.attempts));
  const seen = { responseStatus: r.status, latencyMs: r.latencyMs, lastError: r.error?.slice(0, 500) ?? null, lockedUntil: null };
  if (r.ok) {
    await db
      .update(webhookDeliveries)
      .set({ ...seen, status: 'delivered', deliveredAt: new Date() })
      .where(mine);
    return;
  }
  const hours = env().WEBHOOK_RETRY_HOURS;
  await db.transaction(async (tx) => {
    // Retries go on while the next one would still fall within the retry window.
    const next = new Date(Date.now() + retryDelayMs(d.attempts));
    const [row] = await tx
      .update(webhookDeliveries)
      .set({
        ...seen,
        status: sql`case when ${webhookDeliveries.retryFrom} + ${hours} * interval '1 hour' > ${next.toISOString()}::timestamptz then 'pending' else 'failed' end`,
        nextAttemptAt: next,
      })
      .where(mine)
      .returning();
    if (row?.status === 'failed') await raiseFailure(tx, d, row, hours);
  });
}

/**
 * One open alert per failing webhook: a dead endpoint must not bury the alert list. Deliveries of
 * one webhook fail side by side; the webhook's row lock makes their look-and-insert one at a time
 * (the look after the lock sees an alert the previous holder committed).
 */
async function raiseFailure(tx: Db, d: Claimed, row: WebhookDeliveryRow, hours: number): Promise<void> {
  await runText(tx, 'select id from webhooks where id = $1::uuid for no key update', [d.webhook_id]);
  const [open] = await tx
    .select({ id: alerts.id })
    .from(alerts)
    .where(sql`${alerts.kind} = 'webhook_failed' and ${alerts.status} <> 'resolved' and ${alerts.detail}->>'webhookId' = ${d.webhook_id}`)
    .limit(1);
  if (open) return;
  const [alert] = await tx
    .insert(alerts)
    .values({
      kind: 'webhook_failed',
      severity: 'warning',
      departmentId: d.department_id,
      message: `Webhook ${d.url}: a ${d.event_type} event was not accepted in ${hours} h (${row.attempts} attempts; last: ${row.lastError ?? 'no answer'})`,
      detail: { webhookId: d.webhook_id, deliveryId: d.id, eventType: d.event_type, attempts: row.attempts, lastError: row.lastError },
    })
    .returning();
  await queueAlertEvent(tx, 'raised', alert, d.webhook_id);
  publishLive({ type: 'alert', scope: alert.departmentId, data: { ...alert, createdAt: alert.createdAt.toISOString() } });
}

/** A webhook.test event sent at once, outside the outbox, and logged like any delivery. */
export async function sendTest(db: Db, hook: WebhookRow, by: string): Promise<WebhookDeliveryRow> {
  const id = randomUUID();
  const payload = { type: 'webhook.test', timestamp: new Date().toISOString(), data: { webhookId: hook.id, by } };
  const r = await sendSigned({
    url: hook.url,
    secret: decryptSecret(hook.secret),
    id,
    body: JSON.stringify(payload),
    trusted: hook.source === 'env',
  });
  const [row] = await db
    .insert(webhookDeliveries)
    .values({
      id,
      webhookId: hook.id,
      eventType: 'webhook.test',
      payload,
      status: r.ok ? 'delivered' : 'failed',
      attempts: 1,
      lastAttemptAt: new Date(),
      deliveredAt: r.ok ? new Date() : null,
      responseStatus: r.status,
      latencyMs: r.latencyMs,
      lastError: r.error?.slice(0, 500) ?? null,
    })
    .returning();
  return row;
}

/** Finished deliveries older than `days` leave the log; pending and in-flight ones stay whatever their age. */
export async function pruneDeliveries(db: Db, days = 30): Promise<number> {
  const rows = await runText(
    db,
    `delete from webhook_deliveries where status in ('delivered', 'failed') and created_at < now() - $1::int * interval '1 day' returning id`,
    [days],
  );
  return rows.length;
}
