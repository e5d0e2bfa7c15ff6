import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { tasks } from '../schema/work';
import type { TaskRow } from './tasks';

/**
 * Tasks handed to an agent that it has not acknowledged yet (still `assigned`, not `running`),
 * most urgent first. A polling agent is answered these until it reports progress on each, so a
 * claim whose answer was lost on the way loses no task.
 */
export async function unacknowledgedTasksOf(db: Db, agentId: string, limit: number): Promise<TaskRow[]> {
  return db
    .select()
    .from(tasks)
    .where(sql`${tasks.assignedAgentId} = ${agentId} and ${tasks.status} = 'assigned'`)
    .orderBy(tasks.priorityRank, tasks.assignedAt)
    .limit(limit);
}
