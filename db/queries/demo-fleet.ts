import { and, inArray, like, ne, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { agents, tasks } from '../schema/work';

/** The agents a previous demo run left (named with `prefix`) that are not retired yet. */
export async function demoAgentsLeft(db: Db, prefix: string): Promise<{ id: string }[]> {
  return db
    .select({ id: agents.id })
    .from(agents)
    .where(and(like(agents.name, `${prefix}%`), ne(agents.status, 'retired')));
}

/** The tasks a previous demo run (payload.fleet = `prefix`) left open. */
export async function demoTasksLeft(db: Db, prefix: string): Promise<{ id: string }[]> {
  return db
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(inArray(tasks.status, ['pending', 'assigned', 'running']), sql`${tasks.payload}->>'fleet' = ${prefix}`));
}
