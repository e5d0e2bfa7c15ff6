import { desc, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema/auth';

/** The newest `n` chained rows, oldest first (for the JSON-lines copy). */
export async function auditTail(db: Db, n: number) {
  const rows = await db.select().from(auditLog).where(sql`${auditLog.hash} is not null`).orderBy(desc(auditLog.id)).limit(n);
  return rows.reverse();
}
