import type { Db } from '@/db/client';
import { agentPerformanceRows } from '@/db/queries/leaderboard';
import { authorize, type Principal } from '../permissions/rbac';
import { quantileOf } from './rolling';

export type LeaderboardRow = {
  id: string;
  name: string;
  status: string;
  completed: number;
  failed: number;
  successRate: number | null;
  meanMs: number | null;
  p95Ms: number | null;
};

/**
 * A department's agents ranked by success rate, then volume; durations from the counters the
 * agents table keeps (total and the last 100 run times), so no join over tasks.
 */
export async function departmentLeaderboard(db: Db, principal: Principal, departmentId: string, limit = 20): Promise<LeaderboardRow[]> {
  authorize(principal, 'agent:read', { departmentId, what: 'Department' });
  const rows = await agentPerformanceRows(db, departmentId);
  return rows
    .map((r) => {
      const finished = r.completed + r.failed;
      const recent = [...r.recentDurationsMs].sort((a, b) => a - b);
      return {
        id: r.id,
        name: r.name,
        status: r.status,
        completed: r.completed,
        failed: r.failed,
        successRate: finished ? r.completed / finished : null,
        // total_duration_ms sums completed runs only (lib/lifecycle/lifecycle.ts).
        meanMs: r.completed ? Math.round(r.totalDurationMs / r.completed) : null,
        p95Ms: recent.length ? quantileOf(recent, 0.95) : null,
      };
    })
    .sort((a, b) => (b.successRate ?? -1) - (a.successRate ?? -1) || b.completed - a.completed || a.name.localeCompare(b.name))
    .slice(0, limit);
}
