import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '@/db/client';
import { resourcePools } from '@/db/schema/org';
import { allocations } from '@/db/schema/work';
import { type Priority } from '@/db/vocabulary';
import { grantInTx, InsufficientResources, type ResourceRequest } from './grants';

type AllocationRow = typeof allocations.$inferSelect;
type GrantInput = { agentId: string; taskId?: string | null; departmentId: string; resources: ResourceRequest; priority: Priority };

/**
 * Grants outside any caller transaction. A one-kind request (the common case) is one statement:
 * the conditional UPDATE and the INSERT of the allocation in a CTE, atomic on its own, so a grant
 * costs one round trip instead of four (BEGIN, UPDATE, INSERT, COMMIT). Several kinds use
 * grantInTx in a transaction. Throws InsufficientResources like grantInTx.
 */
export async function grantNow(db: Db, input: GrantInput) {
  const wanted = Object.entries(input.resources).filter(([, n]) => n > 0);
  if (wanted.length !== 1) return db.transaction((tx) => grantInTx(tx, input));
  const [[type, amount]] = wanted;
  const rows = await db.execute(sql`
    with reserved as (
      update ${resourcePools} set allocated = allocated + ${amount}, updated_at = now()
      where department_id = ${input.departmentId} and type = ${type} and allocated + ${amount} <= capacity
      returning 1
    )
    insert into ${allocations} (agent_id, task_id, department_id, resources, priority)
    select ${input.agentId}::uuid, ${input.taskId ?? null}::uuid, ${input.departmentId}, ${JSON.stringify({ [type]: amount })}::jsonb, ${input.priority}
    from reserved
    returning id, agent_id as "agentId", task_id as "taskId", department_id as "departmentId", resources, priority, status,
      created_at as "createdAt", released_at as "releasedAt"`);
  const list = (Array.isArray(rows) ? rows : (rows as { rows: unknown[] }).rows) as AllocationRow[];
  if (!list.length) {
    const [pool] = await db
      .select({ capacity: resourcePools.capacity, allocated: resourcePools.allocated })
      .from(resourcePools)
      .where(and(eq(resourcePools.departmentId, input.departmentId), eq(resourcePools.type, type)));
    throw new InsufficientResources({ [type]: pool ? Math.max(1, amount - (pool.capacity - pool.allocated)) : amount });
  }
  // Raw rows carry timestamps as strings on postgres.js and Dates on PGlite.
  const row = list[0];
  return { ...row, createdAt: new Date(row.createdAt), releasedAt: row.releasedAt ? new Date(row.releasedAt) : null };
}
