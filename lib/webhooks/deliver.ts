import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import type { WebhookDeliveryRow, WebhookRow } from '@/db/queries/webhooks';
import {
  claimDueDeliveries,
  insertDelivery,
  markAttemptFailed,
  markDelivered,
  pruneFinishedDeliveries,
  reclaimStaleDeliveries,
  type ClaimedDelivery,
} from '@/db/queries/webhook-deliveries';
import { decryptSecret } from '../keys/crypto';
import { env } from '../env';
import { log } from '../log';
import { raiseAlert } from '../alerts/raise';
import { sendSigned, type SendResult } from './send';

/** Deliveries one process starts per pass, over all endpoints. */
const PER_PASS = 32;
const MAX_BACKOFF_MS = 3_600_000;

/** The pause after a failed attempt: base (5 s) doubling each attempt, capped at an hour, ±10 %. */
export function retryDelayMs(attempts: number, baseMs = env().WEBHOOK_RETRY_BASE_MS): number {
  const plain = Math.min(MAX_BACKOFF_MS, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(plain * (0.9 + Math.random() * 0.2));
}

async function claim(db: Db, limit: number): Promise<ClaimedDelivery[]> {
  await reclaimStaleDeliveries(db);
  // Past the request's own time limit with room to record the outcome: a claim older than this
  // belongs to a process that died, and its row goes out again.
  const lockMs = 2 * env().WEBHOOK_TIMEOUT_MS + 5_000;
  return claimDueDeliveries(db, { limit, maxInFlight: env().WEBHOOK_MAX_IN_FLIGHT, lockMs });
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

async function deliverOne(db: Db, d: ClaimedDelivery): Promise<void> {
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

async function record(db: Db, d: ClaimedDelivery, r: SendResult): Promise<void> {
  const seen = { responseStatus: r.status, latencyMs: r.latencyMs, lastError: r.error?.slice(0, 500) ?? null };
  if (r.ok) {
    await markDelivered(db, d, seen);
    return;
  }
  const hours = env().WEBHOOK_RETRY_HOURS;
  await db.transaction(async (tx) => {
    // Retries go on while the next one would still fall within the retry window.
    const next = new Date(Date.now() + retryDelayMs(d.attempts));
    const row = await markAttemptFailed(tx, d, seen, hours, next);
    if (row?.status === 'failed') await raiseFailure(tx, d, row, hours);
  });
}

/** One active alert per failing webhook: a dead endpoint must not bury the alert list. The webhook itself doesn't hear it. */
async function raiseFailure(tx: Db, d: ClaimedDelivery, row: WebhookDeliveryRow, hours: number): Promise<void> {
  await raiseAlert(tx, {
    kind: 'webhook_failed',
    severity: 'warning',
    departmentId: d.department_id,
    message: `Webhook ${d.url}: a ${d.event_type} event was not accepted in ${hours} h (${row.attempts} attempts; last: ${row.lastError ?? 'no answer'})`,
    detail: { webhookId: d.webhook_id, deliveryId: d.id, eventType: d.event_type, attempts: row.attempts, lastError: row.lastError },
    key: `webhook_failed:${d.webhook_id}`,
    except: d.webhook_id,
  });
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
  return insertDelivery(db, {
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
  });
}

/** Finished deliveries older than `days` leave the log; pending and in-flight ones stay whatever their age. */
export async function pruneDeliveries(db: Db, days = 30): Promise<number> {
  return pruneFinishedDeliveries(db, days);
}
