import { sql } from 'drizzle-orm';
import { boolean, index, integer, jsonb, pgTable, text, timestamp, uniqueIndex, uuid } from 'drizzle-orm/pg-core';
import { departments } from './org';
import { webhookDeliveryStatuses, type WebhookEventType } from '../vocabulary';

export const webhooks = pgTable(
  'webhooks',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    url: text('url').notNull(),
    events: text('events').array().$type<WebhookEventType[]>().notNull(),
    // null: a global webhook (every department's events), managed by super-admins.
    departmentId: text('department_id').references(() => departments.id),
    // AES-GCM sealed (lib/keys/crypto.ts): the server must read it back to sign each delivery.
    secret: text('secret').notNull(),
    enabled: boolean('enabled').notNull().default(true),
    // 'env': made at start-up from ALERT_WEBHOOK_URL; changed only through that setting.
    source: text('source', { enum: ['api', 'env'] })
      .notNull()
      .default('api'),
    description: text('description'),
    createdBy: text('created_by'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
  },
  (t) => [index('webhooks_department').on(t.departmentId), uniqueIndex('webhooks_from_env').on(t.source).where(sql`source = 'env'`)],
);

/**
 * The outbox: one row per (webhook, event), written in the transaction that records the event.
 * No foreign key to webhooks on purpose: the check would lock the webhook row (FOR KEY SHARE) on
 * every task completion; deleting a webhook deletes its deliveries in the same transaction.
 */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: uuid('id').primaryKey().defaultRandom(),
    webhookId: uuid('webhook_id').notNull(),
    eventType: text('event_type').notNull(),
    // The whole JSON body sent: {type, timestamp, data}.
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status', { enum: webhookDeliveryStatuses }).notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    // Retries go on until this plus WEBHOOK_RETRY_HOURS; a manual redelivery moves it to now.
    retryFrom: timestamp('retry_from', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    // While 'delivering': the claim's end; a claim past it belonged to a process that died.
    lockedUntil: timestamp('locked_until', { withTimezone: true, precision: 6 }),
    lastAttemptAt: timestamp('last_attempt_at', { withTimezone: true, precision: 6 }),
    responseStatus: integer('response_status'),
    latencyMs: integer('latency_ms'),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true, precision: 6 }).notNull().defaultNow(),
    deliveredAt: timestamp('delivered_at', { withTimezone: true, precision: 6 }),
  },
  (t) => [
    index('webhook_deliveries_due').on(t.webhookId, t.nextAttemptAt).where(sql`status = 'pending'`),
    index('webhook_deliveries_in_flight').on(t.webhookId).where(sql`status = 'delivering'`),
    index('webhook_deliveries_webhook_created').on(t.webhookId, t.createdAt),
  ],
);

export type WebhookRow = typeof webhooks.$inferSelect;
export type WebhookDeliveryRow = typeof webhookDeliveries.$inferSelect;
