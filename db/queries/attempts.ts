import { and, asc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { agents, taskAttempts } from '../schema/work';
import type { AttemptOutcome } from '../vocabulary';

/** Ends the task's open attempt (there is at most one); a no-op when none is open. */
export async function closeAttempt(tx: Db, taskId: string, outcome: AttemptOutcome, error?: string | null): Promise<void> {
  await tx
    .update(taskAttempts)
    .set({ endedAt: sql`clock_timestamp()`, outcome, error: error ?? null })
    .where(and(eq(taskAttempts.taskId, taskId), isNull(taskAttempts.endedAt)));
}

/** A task's attempts in order, with the agent's name (null once the agent row is gone). */
export async function attemptsOf(db: Db, taskId: string, limit = 200) {
  return db
    .select({
      attempt: taskAttempts.attempt,
      agentId: taskAttempts.agentId,
      agentName: agents.name,
      startedAt: taskAttempts.startedAt,
      endedAt: taskAttempts.endedAt,
      outcome: taskAttempts.outcome,
      error: taskAttempts.error,
    })
    .from(taskAttempts)
    .leftJoin(agents, eq(agents.id, taskAttempts.agentId))
    .where(eq(taskAttempts.taskId, taskId))
    .orderBy(asc(taskAttempts.attempt))
    .limit(limit);
}
