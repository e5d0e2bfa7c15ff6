import type { Db } from '@/db/client';
import { auditPage } from '@/db/queries/audit';
import { GENESIS_HASH } from '@/lib/audit/chain';
import { chainPending } from '@/lib/audit/chain-writer';
import type { VerifyResult } from '@/lib/audit/log';
import type { AuditBatchRow, BatchResult } from '@/lib/audit/verify-batch';
import { workerPool } from './pool';

// Small pages: reading and handing over a page are the slices this thread still spends on it.
const PAGE = 500;

/**
 * verifyAuditChain with the hashing in worker threads: this thread only reads pages (I/O) while
 * the pool checks the pages already read, several at once. Same answer as verifyAuditChain
 * (including rows not chained yet: allowed only at the end); the event loop stays free for
 * sockets and requests during a long verification.
 */
export async function verifyAuditChainInPool(db: Db): Promise<VerifyResult> {
  await chainPending(db);
  const pool = workerPool();
  const inFlight: { size: number; result: Promise<BatchResult> }[] = [];
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  let pending = 0;
  let unchainedBeforeChained: number | undefined;
  const settle = async (): Promise<VerifyResult | undefined> => {
    const head = inFlight.shift()!;
    const r = await head.result;
    if (!r.ok) return { ok: false, checked: checked + r.checked, pending: 0, firstBrokenId: r.firstBrokenId, reason: r.reason };
    checked += head.size;
  };
  try {
    read: for (;;) {
      const page = await auditPage(db, lastId, PAGE);
      if (!page.length) break;
      const batch: AuditBatchRow[] = [];
      const start = { prevHash, lastId };
      for (const row of page) {
        if (row.hash === null || row.prevHash === null) {
          pending++;
          lastId = row.id;
          continue;
        }
        if (pending > 0) {
          unchainedBeforeChained = lastId - pending + 1;
          break;
        }
        batch.push(row as AuditBatchRow);
        prevHash = row.hash;
        lastId = row.id;
      }
      if (batch.length) inFlight.push({ size: batch.length, result: pool.run({ kind: 'audit-verify', batch: { ...start, rows: batch } }) });
      if (unchainedBeforeChained !== undefined) break read;
      // Bounded read-ahead: memory stays at a few pages however long the log is.
      if (inFlight.length > pool.options.maxThreads * 2) {
        const broken = await settle();
        if (broken) return broken;
      }
    }
    while (inFlight.length) {
      const broken = await settle();
      if (broken) return broken;
    }
    if (unchainedBeforeChained !== undefined) return { ok: false, checked, pending, firstBrokenId: unchainedBeforeChained, reason: 'an unchained row sits before chained ones' };
    return { ok: true, checked, pending };
  } finally {
    // Don't leave rejections unobserved when returning early.
    for (const f of inFlight) f.result.catch(() => {});
  }
}
