import { and, eq, ne } from 'drizzle-orm';
import type { Db } from '../client';
import { agents } from '../schema/work';

export async function agentPerformanceRows(db: Db, departmentId: string) {
  return db
    .select({
      id: agents.id,
      name: agents.name,
      status: agents.status,
      completed: agents.completedCount,
      failed: agents.failedCount,
      totalDurationMs: agents.totalDurationMs,
      recentDurationsMs: agents.recentDurationsMs,
    })
    .from(agents)
    .where(and(eq(agents.departmentId, departmentId), ne(agents.status, 'retired')));
}
