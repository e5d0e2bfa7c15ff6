import { and, notInArray, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { agents } from '../schema/work';

/**
 * Agents still marked online (idle, busy, draining) with no heart-beat written for 2 minutes are
 * offline, except those in `connectedHere` (this process hears from them).
 */
export async function markStaleAgentsOffline(db: Db, connectedHere: string[]): Promise<void> {
  await db
    .update(agents)
    .set({ status: 'offline' })
    .where(
      and(
        sql`${agents.status} in ('idle', 'busy', 'draining') and coalesce(${agents.lastHeartbeatAt}, ${agents.createdAt}) < now() - interval '2 minutes'`,
        connectedHere.length ? notInArray(agents.id, connectedHere) : undefined,
      ),
    );
}
