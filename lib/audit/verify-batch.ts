import { hashAuditRow, rowFields, type AuditFields } from './chain';

export type AuditBatchRow = AuditFields & { id: number; prevHash: string; hash: string };
/** A run of consecutive chained rows and what precedes them (the previous row's hash and id). */
export type AuditBatch = { prevHash: string; lastId: number; rows: AuditBatchRow[] };
export type BatchResult = { ok: boolean; checked: number; firstBrokenId?: number; reason?: string };

/**
 * The chain check of verifyAuditChain for one batch: a pure function, so batches can be checked
 * side by side in worker threads. An edited row fails its own hash; a deleted one breaks the link.
 */
export function verifyAuditBatch({ prevHash, lastId, rows }: AuditBatch): BatchResult {
  let checked = 0;
  for (const row of rows) {
    checked++;
    if (row.prevHash !== prevHash) {
      const deleted = row.id - lastId > 1;
      return {
        ok: false,
        checked,
        firstBrokenId: deleted ? lastId + 1 : row.id,
        reason: deleted ? `rows ${lastId + 1}..${row.id - 1} are missing` : 'link to the previous row is broken',
      };
    }
    if (hashAuditRow(row.prevHash, rowFields(row)) !== row.hash) return { ok: false, checked, firstBrokenId: row.id, reason: 'row content does not match its hash' };
    prevHash = row.hash;
    lastId = row.id;
  }
  return { ok: true, checked };
}
