import { metrics, windowOf } from './registry';
import type { CountKey } from './rolling';

/**
 * The calls dispatch, the bus and auth make. Each updates the Prometheus series and the rolling
 * windows (system and department) in O(1): nothing here touches the database.
 * `at` defaults to now; tests pass a fake clock.
 */

function count(dept: string, key: CountKey, at: number, n = 1) {
  windowOf('').add(key, n, at);
  if (dept) windowOf(dept).add(key, n, at);
}

function nudgeQueue(dept: string, delta: number) {
  const q = metrics().gauges.queue;
  const next = Math.max(0, (q.get(dept) ?? 0) + delta);
  q.set(dept, next);
  metrics().queueDepth.set({ department: dept }, next);
}

export function recordTaskCreated(dept: string, at = Date.now()): void {
  metrics().tasksCreated.inc({ department: dept });
  count(dept, 'created', at);
  nudgeQueue(dept, 1);
}

/** A task left the queue for an agent. latencyMs: ready → agent notified; waitMs: created → assigned. */
export function recordAssignment(dept: string, latencyMs: number, waitMs = latencyMs, at = Date.now()): void {
  const m = metrics();
  m.tasksAssigned.inc({ department: dept });
  m.assignLatency.observe({ department: dept }, latencyMs / 1000);
  m.queueWait.observe({ department: dept }, waitMs / 1000);
  count(dept, 'assigned', at);
  windowOf('').addLatency(latencyMs, at);
  if (dept) windowOf(dept).addLatency(latencyMs, at);
  nudgeQueue(dept, -1);
}

/**
 * A task attempt ended. 'failed' counts every failed attempt (retries included); 'dead' is the
 * final failure after the last attempt, and also counts as failed for the failure rate.
 * A retried attempt goes back to the queue: pass requeued=true.
 */
export function recordTaskFinished(
  dept: string,
  status: 'completed' | 'failed' | 'dead',
  runMs: number | null,
  opts: { requeued?: boolean; at?: number } = {},
): void {
  const m = metrics();
  const at = opts.at ?? Date.now();
  if (runMs !== null && runMs >= 0) m.runTime.observe({ department: dept }, runMs / 1000);
  if (status === 'completed') {
    m.tasksCompleted.inc({ department: dept });
    count(dept, 'completed', at);
  } else {
    m.tasksFailed.inc({ department: dept });
    count(dept, 'failed', at);
    if (status === 'dead') {
      m.tasksDead.inc({ department: dept });
      count(dept, 'dead', at);
    }
  }
  if (opts.requeued) nudgeQueue(dept, 1);
}

/** A task taken back from its agent (lost, lease expired, retired) returns to the queue. */
export function recordTaskRequeued(dept: string): void {
  nudgeQueue(dept, 1);
}

export function setSocketConnections(namespace: string, n: number): void {
  metrics().sockets.set({ namespace }, n);
}

/** An agent changed state; from is null for a new agent, to null for a retired one. */
export function recordAgentState(dept: string, from: string | null, to: string | null): void {
  const m = metrics();
  const byState = m.gauges.agents.get(dept) ?? {};
  if (from) byState[from] = Math.max(0, (byState[from] ?? 0) - 1);
  if (to) byState[to] = (byState[to] ?? 0) + 1;
  m.gauges.agents.set(dept, byState);
  for (const s of [from, to]) if (s) m.agents.set({ state: s, department: dept }, byState[s]);
}

export function recordLogin(outcome: 'success' | 'failure' | 'locked' | 'rate-limited' | 'mfa-required'): void {
  metrics().logins.inc({ outcome });
}

export function recordLockout(): void {
  metrics().lockouts.inc();
}

export function recordPasswordCheck(): void {
  metrics().passwordChecks.inc();
}
