import type { Db } from '@/db/client';
import { take } from './limiter';
import { rateQuotaExceeded } from './errors';

export type TaskQuotaHolder = { id: string; quotaTasksPerMinute: number | null };
export type TaskQuotaTaken = { giveBack: () => Promise<void> };

const none: TaskQuotaTaken = { giveBack: async () => undefined };
export const tasksKey = (departmentId: string) => `tasks-per-minute:${departmentId}`;

/**
 * The one check every task-creation door makes before it inserts `n` tasks into a department:
 * takes n of its tasksPerMinute (shared by every process: Redis or the database) or throws 429
 * naming the quota. The caps (maxPendingTasks, maxMonthlyCost) are the insert's own (the tasks
 * trigger of migration 0012); a door whose insert then fails gives the points back.
 */
export async function takeTaskQuota(db: Db, dept: TaskQuotaHolder, n = 1): Promise<TaskQuotaTaken> {
  const limit = dept.quotaTasksPerMinute;
  if (limit === null || limit === undefined) return none;
  const t = await take(db, tasksKey(dept.id), { points: limit, durationSec: 60 }, { n });
  if (!t.granted) throw rateQuotaExceeded('tasksPerMinute', limit, t.retryAfter, { departmentId: dept.id });
  return { giveBack: t.giveBack };
}
