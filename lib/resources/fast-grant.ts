import type { Db } from '@/db/client';
import { grantOneKind, poolUse, type AllocationInput } from '@/db/queries/grants';
import { grantInTx, InsufficientResources } from './grants';

/**
 * Grants outside any caller transaction. A one-kind request (the common case) is one statement:
 * the conditional UPDATE and the INSERT of the allocation in a CTE, atomic on its own, so a grant
 * costs one round trip instead of four (BEGIN, UPDATE, INSERT, COMMIT). Several kinds use
 * grantInTx in a transaction. Throws InsufficientResources like grantInTx.
 */
export async function grantNow(db: Db, input: AllocationInput) {
  const wanted = Object.entries(input.resources).filter(([, n]) => n > 0);
  if (wanted.length !== 1) return db.transaction((tx) => grantInTx(tx, input));
  const [[type, amount]] = wanted;
  const row = await grantOneKind(db, input, type, amount);
  if (!row) {
    const pool = await poolUse(db, input.departmentId, type);
    throw new InsufficientResources({ [type]: pool ? Math.max(1, amount - (pool.capacity - pool.allocated)) : amount });
  }
  return row;
}
