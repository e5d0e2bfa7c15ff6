import { and, eq } from 'drizzle-orm';
import type { Db } from '../client';
import { idempotencyKeys } from '../schema/auth';

export type IdempotencyKeyRow = typeof idempotencyKeys.$inferSelect;

export async function findIdempotencyKey(db: Db, principalId: string, key: string): Promise<IdempotencyKeyRow | undefined> {
  const [row] = await db
    .select()
    .from(idempotencyKeys)
    .where(and(eq(idempotencyKeys.principalId, principalId), eq(idempotencyKeys.key, key)))
    .limit(1);
  return row;
}

/** The first answer stored under a key stays: a second store of the same key is a no-op. */
export async function insertIdempotencyKey(
  db: Db,
  row: { principalId: string; key: string; route: string; bodyHash: string; status: number; response: unknown },
): Promise<void> {
  await db.insert(idempotencyKeys).values(row).onConflictDoNothing();
}
