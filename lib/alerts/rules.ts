import type { Db } from '@/db/client';
import { departmentCapacities, offlineAgentCounts, overrunningTasks, recentSecurityEvents, stuckQueues } from '@/db/queries/alerts';
import { metrics, windowOf } from '../metrics/registry';
import { costQuotaFirings } from './cost-quota';

export type AlertConfig = {
  /** Failed share of finished attempts over `windowMs` that counts as degraded. */
  failureRate: number;
  latencyP95Ms: number;
  /** How long a performance condition must hold before it raises (the "N minutes"). */
  sustainMs: number;
  windowMs: number;
  /** Fewer finished tasks than this in the window say nothing about a rate. */
  minVolume: number;
  maxConcurrentAgents: number;
  /** How long due tasks may wait in a department with no agent online before `stuck_queue` raises; unset or 0: never. */
  stuckQueueMs?: number;
};

/** The kinds these rules raise, and so the ones the engine resolves once their condition clears. */
const RULE_KINDS = ['performance', 'agents_offline', 'agent_capacity', 'security', 'overrun', 'quota_cost', 'stuck_queue'] as const;
export const ruleKinds: ReadonlySet<string> = new Set(RULE_KINDS);

/** A condition that holds now. `key` identifies it across evaluations for de-duplication. */
export type Firing = {
  key: string;
  kind: (typeof RULE_KINDS)[number];
  severity: 'info' | 'warning' | 'critical';
  departmentId: string | null;
  message: string;
  detail: Record<string, unknown>;
  /** Must hold this long before it raises. */
  sustainMs: number;
  /** Raised at most once for its key, ever (the key carries its period): see lib/alerts/cost-quota.ts. */
  once?: boolean;
};

const pct = (x: number) => `${(x * 100).toFixed(0)}%`;

/** Performance: failure rate and p95 assignment latency per department and system-wide, from memory. */
export function performanceFirings(cfg: AlertConfig, now: number): Firing[] {
  const out: Firing[] = [];
  for (const scope of metrics().windows.keys()) {
    const w = windowOf(scope);
    const departmentId = scope || null;
    const where = departmentId ? `in ${departmentId}` : 'system-wide';
    const c = w.sum(cfg.windowMs, now);
    const finished = c.completed + c.failed;
    if (finished >= cfg.minVolume) {
      const rate = c.failed / finished;
      if (rate > cfg.failureRate)
        out.push({
          key: `perf:failure:${scope}`,
          kind: 'performance',
          severity: rate > Math.min(1, cfg.failureRate * 2) ? 'critical' : 'warning',
          departmentId,
          message: `Task failure rate ${pct(rate)} ${where} (threshold ${pct(cfg.failureRate)})`,
          detail: { metric: 'failure-rate', value: rate, threshold: cfg.failureRate, failed: c.failed, finished },
          sustainMs: cfg.sustainMs,
        });
    }
    const lat = w.latencies(cfg.windowMs, now);
    if (lat.length >= cfg.minVolume) {
      const p95 = lat[Math.min(lat.length - 1, Math.ceil(0.95 * lat.length) - 1)];
      if (p95 > cfg.latencyP95Ms)
        out.push({
          key: `perf:latency:${scope}`,
          kind: 'performance',
          severity: 'warning',
          departmentId,
          message: `p95 assignment latency ${Math.round(p95)} ms ${where} (threshold ${cfg.latencyP95Ms} ms)`,
          detail: { metric: 'assignment-latency-p95', value: p95, threshold: cfg.latencyP95Ms, samples: lat.length },
          sustainMs: cfg.sustainMs,
        });
    }
  }
  return out;
}

/**
 * Offline agents, department and system agent limits, security events, tasks running past twice
 * their estimated duration (`overrun`), departments at 80% of their monthly cost quota
 * (`quota_cost`, once a month), due tasks in a department with no agent online
 * (`stuck_queue`): small grouped queries.
 * Resource pools have their own rules in lib/resources/monitor.ts (`capacity_limit` above 90%,
 * `resource_shortage` for refused or waiting requests), raised and resolved there.
 */
export async function stateFirings(db: Db, cfg: AlertConfig, now: number): Promise<Firing[]> {
  const [offline, caps, security, overruns, costs, stuck] = await Promise.all([
    offlineAgentCounts(db),
    departmentCapacities(db),
    recentSecurityEvents(db, new Date(now - 15 * 60_000)),
    overrunningTasks(db),
    costQuotaFirings(db, now),
    cfg.stuckQueueMs ? stuckQueues(db) : [],
  ]);
  const out: Firing[] = [...costs];
  // Work waits and nobody can take it: the condition must hold stuckQueueMs (the engine times it,
  // from the first evaluation that sees it) before it raises; it resolves once an agent is online
  // or the queue is empty.
  for (const q of stuck) {
    const waitedMs = Math.max(0, now - q.oldest.getTime());
    out.push({
      key: `stuck:${q.departmentId}`,
      kind: 'stuck_queue',
      severity: 'warning',
      departmentId: q.departmentId,
      message: `${q.n} task${q.n === 1 ? '' : 's'} waiting in ${q.departmentId} with no agent online to take ${q.n === 1 ? 'it' : 'them'} (oldest due ${Math.round(waitedMs / 60_000)} min ago)`,
      detail: { pending: q.n, oldestDueAt: q.oldest.toISOString(), waitedMs },
      sustainMs: cfg.stuckQueueMs!,
    });
  }
  // One alert per task, resolved by the rule once the task is no longer running.
  for (const t of overruns) {
    const runningMs = now - (t.assignedAt?.getTime() ?? now);
    out.push({
      key: `overrun:${t.id}`,
      kind: 'overrun',
      severity: 'warning',
      departmentId: t.departmentId,
      message: `Task "${t.title}" has run ${Math.round(runningMs / 1000)} s, over twice its estimate of ${Math.round((t.estimatedMs ?? 0) / 1000)} s`,
      detail: { taskId: t.id, agentId: t.agentId, estimatedDurationMs: t.estimatedMs, runningMs },
      sustainMs: 0,
    });
  }
  for (const o of offline)
    if (o.n > 0)
      out.push({
        key: `offline:${o.departmentId}`,
        kind: 'agents_offline',
        severity: 'warning',
        departmentId: o.departmentId,
        message: `${o.n} agent${o.n === 1 ? '' : 's'} offline in ${o.departmentId}`,
        detail: { offline: o.n },
        sustainMs: 0,
      });
  let total = 0;
  for (const c of caps) {
    total += c.agents;
    if (c.maxAgents > 0 && c.agents >= c.maxAgents)
      out.push({
        key: `capacity:${c.id}`,
        kind: 'agent_capacity',
        severity: 'warning',
        departmentId: c.id,
        message: `${c.id} is at its agent limit (${c.agents}/${c.maxAgents})`,
        detail: { agents: c.agents, maxAgents: c.maxAgents },
        sustainMs: 0,
      });
  }
  if (total >= cfg.maxConcurrentAgents * 0.9)
    out.push({
      key: 'capacity:system',
      kind: 'agent_capacity',
      severity: total >= cfg.maxConcurrentAgents ? 'critical' : 'warning',
      departmentId: null,
      message: `${total} agents registered, limit ${cfg.maxConcurrentAgents}`,
      detail: { agents: total, maxConcurrentAgents: cfg.maxConcurrentAgents },
      sustainMs: 0,
    });
  for (const s of security)
    out.push({
      key: `security:${s.kind}`,
      kind: 'security',
      severity: 'critical',
      departmentId: null,
      message: `Security: ${s.n} ${s.kind} event${s.n === 1 ? '' : 's'} in the last 15 minutes`,
      detail: { event: s.kind, count: s.n, last: s.last },
      sustainMs: 0,
    });
  return out;
}
