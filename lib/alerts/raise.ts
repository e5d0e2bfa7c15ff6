import type { Db } from '@/db/client';
import { hasActiveAlert, insertAlertOnce, insertAlertUnlessActive, lockAlertKey, updateAlert, type AlertRow } from '@/db/queries/alerts';
import type { AlertSeverity } from '@/db/vocabulary';
import { announce } from './view';
import { queueAlertEvent } from './webhook';

export type AlertToRaise = {
  kind: string;
  severity: AlertSeverity;
  departmentId: string | null;
  message: string;
  detail: Record<string, unknown>;
  /** The condition the alert reports, kept as detail.ruleKey: a condition has one active alert at a time. */
  key: string;
  /** At most one alert for this key ever, resolved or not (a unique index; the key carries its period: lib/alerts/cost-quota.ts). */
  once?: boolean;
  at?: Date;
  /** A webhook that must not hear this alert: its own failure. */
  except?: string;
};

/**
 * The one way an alert is raised. De-duplication: while an alert for the key is active (open or
 * acknowledged) no other is raised, so a condition that holds across checks, or a queue of
 * refused requests, is one alert. The raise queues alert.raised for webhooks in its transaction
 * and is pushed live after commit. Answers the new alert, undefined when de-duplicated.
 */
export async function raiseAlert(db: Db, a: AlertToRaise): Promise<AlertRow | undefined> {
  // Usually the alert is already there (a pool that stays full): one read answers that.
  if (!a.once && (await hasActiveAlert(db, a.key))) return undefined;
  const values = {
    kind: a.kind,
    severity: a.severity,
    departmentId: a.departmentId,
    message: a.message,
    detail: { ...a.detail, ruleKey: a.key },
    ...(a.at ? { createdAt: a.at } : {}),
  };
  const row = await db.transaction(async (tx) => {
    let r: AlertRow | undefined;
    if (a.once) r = await insertAlertOnce(tx, values);
    else {
      // Raisers of one key take turns, so the look inside the insert sees what the previous one committed.
      await lockAlertKey(tx, a.key);
      r = await insertAlertUnlessActive(tx, values);
    }
    if (r) await queueAlertEvent(tx, 'raised', r, a.except);
    return r;
  });
  if (row) announce('raised', row);
  return row;
}

/**
 * The one way an alert is resolved, by a rule or a person (`by`, kept as detail.resolvedBy): only
 * while it is still active, so two resolutions, or one racing an acknowledgement, resolve it once.
 * Queues alert.resolved in its transaction and pushes it live after commit. Undefined when it was
 * no longer active.
 */
export async function resolveActiveAlert(db: Db, a: AlertRow, by: string, at = new Date()): Promise<AlertRow | undefined> {
  const row = await db.transaction(async (tx) => {
    const r = await updateAlert(tx, a.id, { status: 'resolved', resolvedAt: at, detail: { ...a.detail, resolvedBy: by } }, [
      'open',
      'acknowledged',
    ]);
    if (r) await queueAlertEvent(tx, 'resolved', r);
    return r;
  });
  if (row) announce('resolved', row);
  return row;
}
