import { inArray } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { alerts } from '@/db/schema/work';
import { activeAlerts, insertAlert, insertAlertOnce, updateAlert, type AlertRow } from '@/db/queries/alerts';
import { env } from '../env';
import { publishLive } from '../live';
import { metrics } from '../metrics/registry';
import { performanceFirings, stateFirings, type AlertConfig, type Firing } from './rules';
import { queueAlertEvent } from './webhook';

export function alertConfig(): AlertConfig {
  const e = env();
  return {
    failureRate: e.ALERT_FAILURE_RATE,
    latencyP95Ms: e.ALERT_LATENCY_P95_MS,
    sustainMs: e.ALERT_SUSTAIN_MINUTES * 60_000,
    windowMs: 60_000,
    minVolume: 5,
    maxConcurrentAgents: e.MAX_CONCURRENT_AGENTS,
    stuckQueueMs: e.ALERT_STUCK_QUEUE_MINUTES * 60_000,
  };
}

/** When each condition was first seen holding; process memory, like the windows it reads. */
function pendingSince(): Map<string, number> {
  const g = globalThis as { __ecsAlertPending?: Map<string, number> };
  g.__ecsAlertPending ??= new Map();
  return g.__ecsAlertPending;
}

export function resetAlertState(): void {
  pendingSince().clear();
}

export type AlertView = {
  id: string;
  kind: string;
  severity: string;
  departmentId: string | null;
  message: string;
  status: string;
  detail: Record<string, unknown>;
  createdAt: string;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
};

export function alertView(a: AlertRow): AlertView {
  return {
    id: a.id,
    kind: a.kind,
    severity: a.severity,
    departmentId: a.departmentId,
    message: a.message,
    status: a.status,
    detail: a.detail,
    createdAt: a.createdAt.toISOString(),
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
  };
}

export function announce(event: 'raised' | 'acknowledged' | 'resolved', a: AlertRow): void {
  const view = alertView(a);
  // A system-wide alert (security, the fleet's agent limit) reaches organisation-wide consoles only.
  publishLive({
    type: 'alert',
    scope: a.departmentId,
    ...(a.departmentId ? {} : { organisationWide: true }),
    data: { source: 'alerts', event, alert: view },
  });
}

/**
 * One evaluation: raise what has held long enough and has no open alert with the same rule key
 * (de-duplication), resolve rule alerts whose condition cleared. Rows are the record; memory
 * only remembers since when a condition has held.
 */
export async function evaluateAlerts(
  db: Db,
  cfg: AlertConfig = alertConfig(),
  now = Date.now(),
): Promise<{ raised: AlertRow[]; resolved: AlertRow[] }> {
  const firings: Firing[] = [...performanceFirings(cfg, now), ...(await stateFirings(db, cfg, now))];
  const pending = pendingSince();
  const holding = new Set(firings.map((f) => f.key));
  for (const key of [...pending.keys()]) if (!holding.has(key)) pending.delete(key);

  const active = await activeAlerts(db);
  const byKey = new Map(active.filter((a) => typeof a.detail.ruleKey === 'string').map((a) => [a.detail.ruleKey as string, a]));
  const raised: AlertRow[] = [];
  const resolved: AlertRow[] = [];
  for (const f of firings) {
    const since = pending.get(f.key) ?? now;
    pending.set(f.key, since);
    if (now - since < f.sustainMs || byKey.has(f.key)) continue;
    const alert = {
      kind: f.kind,
      severity: f.severity,
      departmentId: f.departmentId,
      message: f.message,
      detail: { ...f.detail, ruleKey: f.key, holdingSince: new Date(since).toISOString() },
      createdAt: new Date(now),
    };
    // A once-only firing that was raised before (resolved since, or by another process) is not raised again.
    const row = await db.transaction(async (tx) => {
      const r = f.once ? await insertAlertOnce(tx, alert) : await insertAlert(tx, alert);
      if (r) await queueAlertEvent(tx, 'raised', r);
      return r;
    });
    if (!row) continue;
    raised.push(row);
    announce('raised', row);
  }
  for (const [key, a] of byKey) {
    if (holding.has(key)) continue;
    const row = await db.transaction(async (tx) => {
      const r = await updateAlert(
        tx,
        a.id,
        { status: 'resolved', resolvedAt: new Date(now), detail: { ...a.detail, resolvedBy: 'rule' } },
        inArray(alerts.status, ['open', 'acknowledged']),
      );
      if (r) await queueAlertEvent(tx, 'resolved', r);
      return r;
    });
    if (row) {
      resolved.push(row);
      announce('resolved', row);
    }
  }
  const open = { info: 0, warning: 0, critical: 0 };
  for (const a of active) if (!resolved.some((r) => r.id === a.id)) open[a.severity]++;
  for (const a of raised) open[a.severity]++;
  for (const [severity, n] of Object.entries(open)) metrics().alertsOpen.set({ severity }, n);
  return { raised, resolved };
}
