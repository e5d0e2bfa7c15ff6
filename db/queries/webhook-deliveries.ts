import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { runText } from '../raw';
import { webhookDeliveries, type WebhookDeliveryRow } from '../schema/webhooks';

/** A delivery claimed for sending, with what sending needs of its webhook. */
export type ClaimedDelivery = {
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

/** Webhooks one pass looks at; the others wait for the next pass (a second later). */
const HOOKS_PER_PASS = 100;

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

const NEXT_DUE = `select extract(epoch from least(
    (select min(next_attempt_at) from webhook_deliveries where status = 'pending'),
    (select min(locked_until) from webhook_deliveries where status = 'delivering')
  )) * 1000 as at`;

/** When the next delivery comes due or a claim runs out (epoch ms), null with none waiting. */
export async function nextDeliveryDue(db: Db): Promise<number | null> {
  const [row] = await runText<{ at: unknown }>(db, NEXT_DUE, []);
  return row?.at == null ? null : Number(row.at);
}

export async function reclaimStaleDeliveries(db: Db): Promise<void> {
  await runText(db, RECLAIM, []);
}

/**
 * Claims up to `limit` due deliveries, none past a webhook's `maxInFlight`, each for `lockMs`.
 * Any number of processes may claim at once: a row goes to one of them.
 */
export async function claimDueDeliveries(db: Db, opts: { limit: number; maxInFlight: number; lockMs: number }): Promise<ClaimedDelivery[]> {
  return db.transaction(async (tx) => {
    const hooks = await runText<{ id: string }>(tx, LOCK_HOOKS, []);
    if (!hooks.length) return [];
    return runText<ClaimedDelivery>(tx, CLAIM, [JSON.stringify(hooks.map((h) => h.id)), opts.maxInFlight, opts.limit, opts.lockMs]);
  });
}

/** What an attempt saw of the endpoint. */
export type AttemptSeen = { responseStatus: number | null; latencyMs: number; lastError: string | null };

/** The claim is still this attempt's: not taken back and claimed again meanwhile. */
const stillClaimed = (d: { id: string; attempts: number }) =>
  and(eq(webhookDeliveries.id, d.id), eq(webhookDeliveries.status, 'delivering'), eq(webhookDeliveries.attempts, d.attempts));

export async function markDelivered(db: Db, d: { id: string; attempts: number }, seen: AttemptSeen): Promise<void> {
  await db
    .update(webhookDeliveries)
    .set({ ...seen, lockedUntil: null, status: 'delivered', deliveredAt: new Date() })
    .where(stillClaimed(d));
}

/**
 * A failed attempt: pending again at `next` while that still falls within `retryHours` of the
 * delivery's retry start, failed for good otherwise. Undefined when the claim was no longer this attempt's.
 */
export async function markAttemptFailed(
  db: Db,
  d: { id: string; attempts: number },
  seen: AttemptSeen,
  retryHours: number,
  next: Date,
): Promise<WebhookDeliveryRow | undefined> {
  const [row] = await db
    .update(webhookDeliveries)
    .set({
      ...seen,
      lockedUntil: null,
      status: sql`case when ${webhookDeliveries.retryFrom} + ${retryHours} * interval '1 hour' > ${next.toISOString()}::timestamptz then 'pending' else 'failed' end`,
      nextAttemptAt: next,
    })
    .where(stillClaimed(d))
    .returning();
  return row;
}

export async function insertDelivery(db: Db, row: typeof webhookDeliveries.$inferInsert): Promise<WebhookDeliveryRow> {
  const [inserted] = await db.insert(webhookDeliveries).values(row).returning();
  return inserted;
}

/** Finished deliveries older than `days`; pending and in-flight ones stay whatever their age. */
export async function pruneFinishedDeliveries(db: Db, days: number): Promise<number> {
  const rows = await runText(
    db,
    `delete from webhook_deliveries where status in ('delivered', 'failed') and created_at < now() - $1::int * interval '1 day' returning id`,
    [days],
  );
  return rows.length;
}
