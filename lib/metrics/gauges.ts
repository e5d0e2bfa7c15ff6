import type { Db } from '@/db/client';
import { agentStateCounts, pendingTaskCounts, poolRows } from '@/db/queries/metrics';
import { departmentQuotaUse } from '../quotas/usage';
import { metrics } from './registry';

export type PoolUse = { departmentId: string; type: string; capacity: number; allocated: number };

/**
 * Re-reads the few figures that are state rather than events (agents by state, queue depth,
 * pools) so the in-memory gauges can't drift from the database and survive a restart.
 * Three small grouped queries per call, on a timer: cost independent of open tabs.
 */
export async function refreshGauges(db: Db): Promise<PoolUse[]> {
  const [agentRows, pending, pools] = await Promise.all([agentStateCounts(db), pendingTaskCounts(db), poolRows(db)]);
  const m = metrics();
  m.agents.reset();
  m.gauges.agents.clear();
  for (const r of agentRows) {
    const s = m.gauges.agents.get(r.departmentId) ?? {};
    s[r.status] = r.n;
    m.gauges.agents.set(r.departmentId, s);
    m.agents.set({ state: r.status, department: r.departmentId }, r.n);
  }
  m.queueDepth.reset();
  m.gauges.queue.clear();
  for (const r of pending) {
    m.gauges.queue.set(r.departmentId, r.n);
    m.queueDepth.set({ department: r.departmentId }, r.n);
  }
  m.resAllocated.reset();
  m.resCapacity.reset();
  for (const p of pools) {
    m.resAllocated.set({ department: p.departmentId, type: p.type }, p.allocated);
    m.resCapacity.set({ department: p.departmentId, type: p.type }, p.capacity);
  }
  m.gauges.pools = pools;
  m.quotaLimit.reset();
  m.quotaUsed.reset();
  for (const q of await departmentQuotaUse(db)) {
    for (const quota of ['tasksPerMinute', 'maxPendingTasks', 'maxMonthlyCost'] as const) {
      const { used, limit } = q[quota];
      if (limit === null) continue;
      m.quotaLimit.set({ department: q.departmentId, quota }, limit);
      m.quotaUsed.set({ department: q.departmentId, quota }, used);
    }
  }
  m.gauges.refreshedAt = Date.now();
  return pools;
}
