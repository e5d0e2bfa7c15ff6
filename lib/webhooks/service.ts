import { randomBytes } from 'node:crypto';
import type { Db } from '@/db/client';
import { findDepartment } from '@/db/queries/departments';
import {
  deleteWebhookRow,
  findDelivery,
  findWebhook,
  insertWebhook,
  requeueDelivery,
  updateWebhookRow,
  webhookRows,
  type WebhookDeliveryRow,
  type WebhookRow,
} from '@/db/queries/webhooks';
import { authorize, departmentFilter, isGlobal, OutOfScope, type Principal } from '../permissions/rbac';
import { encryptSecret } from '../keys/crypto';
import { audit } from '../audit/log';
import { conflict, forbidden, notFound, unprocessable } from '../errors';
import { checkTarget, RefusedTarget } from './target';
import { sendTest } from './deliver';
import type { CreateWebhookInput, ListWebhooksQuery, UpdateWebhookInput } from './schemas';

export type Webhook = ReturnType<typeof toWebhook>;
export type WebhookDelivery = ReturnType<typeof toDelivery>;

export function toWebhook(row: WebhookRow) {
  return {
    id: row.id,
    url: row.url,
    events: row.events,
    departmentId: row.departmentId,
    enabled: row.enabled,
    /** 'env': made from ALERT_WEBHOOK_URL, changed only through that setting. */
    source: row.source,
    description: row.description,
    createdBy: row.createdBy,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

export function toDelivery(row: WebhookDeliveryRow) {
  return {
    id: row.id,
    webhookId: row.webhookId,
    eventType: row.eventType,
    status: row.status,
    attempts: row.attempts,
    responseStatus: row.responseStatus,
    latencyMs: row.latencyMs,
    lastError: row.lastError,
    nextAttemptAt: row.status === 'pending' ? row.nextAttemptAt.toISOString() : null,
    lastAttemptAt: row.lastAttemptAt?.toISOString() ?? null,
    deliveredAt: row.deliveredAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    payload: row.payload,
  };
}

/** Standard Webhooks' secret form: whsec_ and 32 random bytes in base64. */
export function generateSecret(): string {
  return `whsec_${randomBytes(32).toString('base64')}`;
}

/**
 * Department admins manage their departments' webhooks; global ones (every department's events)
 * belong to global roles holding webhook:manage, that is super-admins. To anyone else a global
 * webhook is answered like an unknown id.
 */
function authorizeFor(principal: Principal, departmentId: string | null, what = 'Webhook'): void {
  if (departmentId) {
    authorize(principal, 'webhook:manage', { departmentId, what });
    return;
  }
  authorize(principal, 'webhook:manage');
  if (!isGlobal(principal)) throw new OutOfScope(what);
}

/** The webhook, if the principal may manage it: a 404 when it does not exist, 403 out of scope. */
export async function loadFor(db: Db, principal: Principal, id: string): Promise<WebhookRow> {
  authorize(principal, 'webhook:manage');
  const row = await findWebhook(db, id);
  if (!row) throw notFound('Webhook');
  authorizeFor(principal, row.departmentId);
  return row;
}

async function checkUrl(url: string): Promise<void> {
  try {
    await checkTarget(url);
  } catch (err) {
    if (err instanceof RefusedTarget)
      throw unprocessable(`Webhook URL refused: ${err.message}`, { errors: [{ path: 'url', message: err.message }] });
    throw err;
  }
}

export async function listWebhooks(db: Db, principal: Principal, q: ListWebhooksQuery): Promise<{ items: Webhook[] }> {
  if (q.departmentId) authorize(principal, 'webhook:manage', { departmentId: q.departmentId, what: 'Department' });
  else authorize(principal, 'webhook:manage');
  const rows = await webhookRows(db, { departmentIds: departmentFilter(principal), departmentId: q.departmentId });
  return { items: rows.map(toWebhook) };
}

export async function getWebhook(db: Db, principal: Principal, id: string): Promise<Webhook> {
  return toWebhook(await loadFor(db, principal, id));
}

/** The secret is in this answer only: it is stored sealed and never shown again. */
export async function createWebhook(db: Db, principal: Principal, input: CreateWebhookInput): Promise<Webhook & { secret: string }> {
  const departmentId = input.departmentId ?? null;
  if (departmentId) authorizeFor(principal, departmentId, 'Department');
  else if (!isGlobal(principal)) {
    authorize(principal, 'webhook:manage');
    throw forbidden('Global webhooks are managed by super-admins; give a departmentId');
  } else authorizeFor(principal, null);
  if (departmentId && !(await findDepartment(db, departmentId))) throw notFound('Department');
  await checkUrl(input.url);
  const secret = input.secret ?? generateSecret();
  const row = await db.transaction(async (tx) => {
    const r = await insertWebhook(tx, {
      url: input.url,
      events: input.events,
      departmentId,
      secret: encryptSecret(secret),
      enabled: input.enabled,
      description: input.description ?? null,
      createdBy: principal.name,
    });
    await audit(tx, principal, {
      action: 'webhook.create',
      targetType: 'webhook',
      targetId: r.id,
      departmentId: departmentId ?? undefined,
      detail: { url: r.url, events: r.events },
    });
    return r;
  });
  return { ...toWebhook(row), secret };
}

export async function updateWebhook(
  db: Db,
  principal: Principal,
  id: string,
  input: UpdateWebhookInput,
): Promise<Webhook & { secret?: string }> {
  const cur = await loadFor(db, principal, id);
  if (cur.source === 'env') throw conflict('This webhook is set by ALERT_WEBHOOK_URL; change the setting instead');
  if (input.url !== undefined) await checkUrl(input.url);
  const secret = input.rotateSecret ? generateSecret() : undefined;
  const row = await db.transaction(async (tx) => {
    const r = await updateWebhookRow(tx, id, {
      ...(input.url !== undefined ? { url: input.url } : {}),
      ...(input.events !== undefined ? { events: input.events } : {}),
      ...(input.enabled !== undefined ? { enabled: input.enabled } : {}),
      ...(input.description !== undefined ? { description: input.description } : {}),
      ...(secret ? { secret: encryptSecret(secret) } : {}),
    });
    if (!r) throw notFound('Webhook');
    const changed = Object.keys(input).filter((k) => k !== 'rotateSecret' && input[k as keyof UpdateWebhookInput] !== undefined);
    await audit(tx, principal, {
      action: 'webhook.update',
      targetType: 'webhook',
      targetId: id,
      departmentId: r.departmentId ?? undefined,
      detail: { changed, rotatedSecret: !!secret },
    });
    return r;
  });
  return { ...toWebhook(row), ...(secret ? { secret } : {}) };
}

/** The webhook and its delivery log go together; deliveries under way finish, unrecorded. */
export async function deleteWebhook(db: Db, principal: Principal, id: string): Promise<void> {
  const cur = await loadFor(db, principal, id);
  if (cur.source === 'env') throw conflict('This webhook is set by ALERT_WEBHOOK_URL; unset the setting instead');
  await db.transaction(async (tx) => {
    if (!(await deleteWebhookRow(tx, id))) throw notFound('Webhook');
    await audit(tx, principal, {
      action: 'webhook.delete',
      targetType: 'webhook',
      targetId: id,
      departmentId: cur.departmentId ?? undefined,
      detail: { url: cur.url },
    });
  });
}

/** Sends a webhook.test event now and answers how it went; logged with the deliveries, never retried. */
export async function testWebhook(db: Db, principal: Principal, id: string): Promise<WebhookDelivery> {
  const hook = await loadFor(db, principal, id);
  return toDelivery(await sendTest(db, hook, principal.name));
}

/** Sends a delivered or failed event again, with the same webhook-id (receivers may de-duplicate on it). */
export async function redeliver(db: Db, principal: Principal, id: string, deliveryId: string): Promise<WebhookDelivery> {
  const hook = await loadFor(db, principal, id);
  const row = await requeueDelivery(db, id, deliveryId);
  if (!row) {
    const cur = await findDelivery(db, id, deliveryId);
    if (!cur) throw notFound('Delivery');
    throw conflict(`The delivery is ${cur.status}; it goes out without a redelivery`);
  }
  await audit(db, principal, {
    action: 'webhook.redeliver',
    targetType: 'webhook',
    targetId: id,
    departmentId: hook.departmentId ?? undefined,
    detail: { deliveryId },
  });
  return toDelivery(row);
}
