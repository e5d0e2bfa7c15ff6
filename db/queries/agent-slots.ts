import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { runText } from '../raw';
import { agents } from '../schema/work';

/** Takes one of the agent's slots if it has a free one and takes work (idle or busy); false otherwise. */
export async function takeAgentSlot(tx: Db, agentId: string): Promise<boolean> {
  const [agent] = await tx
    .update(agents)
    .set({
      activeTasks: sql`${agents.activeTasks} + 1`,
      status: sql`case when ${agents.status} = 'idle' then 'busy' else ${agents.status} end`,
      lastAssignedAt: sql`clock_timestamp()`,
    })
    .where(sql`${agents.id} = ${agentId} and ${agents.activeTasks} < ${agents.maxConcurrentTasks} and ${agents.status} in ('idle', 'busy')`)
    .returning({ id: agents.id });
  return !!agent;
}

export type FreedAgent = { completedCount: number; failedCount: number };

/** Frees the agent's slot (and counts the outcome); run in the transaction of the task change. */
export async function freeAgentSlot(
  tx: Db,
  agentId: string,
  outcome?: { completed?: boolean; failed?: boolean; durationMs?: number },
): Promise<FreedAgent | undefined> {
  const [row] = await tx
    .update(agents)
    .set({
      activeTasks: sql`greatest(0, ${agents.activeTasks} - 1)`,
      status: sql`case when ${agents.status} = 'busy' and ${agents.activeTasks} <= 1 then 'idle' else ${agents.status} end`,
      ...(outcome?.completed
        ? {
            completedCount: sql`${agents.completedCount} + 1`,
            totalDurationMs: sql`${agents.totalDurationMs} + ${outcome.durationMs ?? 0}`,
            recentDurationsMs: sql`(${agents.recentDurationsMs} || ${outcome.durationMs ?? 0}::int)[greatest(1, cardinality(${agents.recentDurationsMs}) - 98):]`,
          }
        : {}),
      ...(outcome?.failed ? { failedCount: sql`${agents.failedCount} + 1` } : {}),
    })
    .where(eq(agents.id, agentId))
    .returning({ completedCount: agents.completedCount, failedCount: agents.failedCount });
  return row;
}

const SLOTS_OF = `select id, active_tasks, status, max_concurrent_tasks from agents
  where id in (select jsonb_array_elements_text($1::jsonb)::uuid)`;

/**
 * Slot counts and states of these agents. One constant statement with the ids as one JSON
 * parameter: the sweep re-reads every connected agent (500 ids), and as an IN list that was a new
 * 500-parameter text to render and plan each time.
 */
export async function agentSlotsOf(db: Db, ids: string[]) {
  return runText<{ id: string; active_tasks: number; status: string; max_concurrent_tasks: number }>(db, SLOTS_OF, [JSON.stringify(ids)]);
}

/** A department's agents taking work (idle or busy), with what matching a task looks at. */
export async function onlineAgentsOf(db: Db, departmentId: string) {
  return db
    .select({
      id: agents.id,
      departmentId: agents.departmentId,
      specialization: agents.specialization,
      capabilities: agents.capabilities,
      activeTasks: agents.activeTasks,
      maxConcurrentTasks: agents.maxConcurrentTasks,
    })
    .from(agents)
    .where(and(eq(agents.departmentId, departmentId), inArray(agents.status, ['idle', 'busy'])));
}

/** The agent's department and status, or undefined for no such agent. */
export async function agentHome(db: Db, agentId: string) {
  const [row] = await db
    .select({ departmentId: agents.departmentId, status: agents.status })
    .from(agents)
    .where(eq(agents.id, agentId))
    .limit(1);
  return row;
}
