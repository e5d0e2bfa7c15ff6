import type { Db } from '@/db/client';
import { activeAlerts, type AlertRow } from '@/db/queries/alerts';
import { env } from '../env';
import { metrics } from '../metrics/registry';
import { raiseAlert, resolveActiveAlert } from './raise';
import { performanceFirings, ruleKinds, stateFirings, type AlertConfig, type Firing } from './rules';

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

export { alertView, announce, type AlertView } from './view';

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
  // Only the kinds these rules raise: resource alerts carry rule keys too, and lib/resources/monitor.ts resolves them.
  const byKey = new Map(
    active.filter((a) => ruleKinds.has(a.kind) && typeof a.detail.ruleKey === 'string').map((a) => [a.detail.ruleKey as string, a]),
  );
  const raised: AlertRow[] = [];
  const resolved: AlertRow[] = [];
  for (const f of firings) {
    const since = pending.get(f.key) ?? now;
    pending.set(f.key, since);
    if (now - since < f.sustainMs || byKey.has(f.key)) continue;
    // A once-only firing that was raised before (resolved since, or by another process) is not raised again.
    const row = await raiseAlert(db, {
      kind: f.kind,
      severity: f.severity,
      departmentId: f.departmentId,
      message: f.message,
      detail: { ...f.detail, holdingSince: new Date(since).toISOString() },
      key: f.key,
      once: f.once,
      at: new Date(now),
    });
    if (row) raised.push(row);
  }
  for (const [key, a] of byKey) {
    if (holding.has(key)) continue;
    const row = await resolveActiveAlert(db, a, 'rule', new Date(now));
    if (row) resolved.push(row);
  }
  const open = { info: 0, warning: 0, critical: 0 };
  for (const a of active) if (!resolved.some((r) => r.id === a.id)) open[a.severity]++;
  for (const a of raised) open[a.severity]++;
  for (const [severity, n] of Object.entries(open)) metrics().alertsOpen.set({ severity }, n);
  return { raised, resolved };
}
