import type { Db } from '@/db/client';
import { auditPage } from '@/db/queries/audit';
import { GENESIS_HASH } from '@/lib/audit/chain';
import type { VerifyResult } from '@/lib/audit/log';
import type { BatchResult } from '@/lib/audit/verify-batch';
import { workerPool } from './pool';

// Small pages: reading and handing over a page are the slices this thread still spends on it.
const PAGE = 500;

/**
 * verifyAuditChain with the hashing in worker threads: this thread only reads pages (I/O) while
 * the pool checks the pages already read, several at once. Same answer as verifyAuditChain; the
 * event loop stays free for sockets and requests during a long verification.
 */
export async function verifyAuditChainInPool(db: Db): Promise<VerifyResult> {
  const pool = workerPool();
  const inFlight: { size: number; result: Promise<BatchResult> }[] = [];
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  const settle = async (): Promise<VerifyResult | undefined> => {
    const head = inFlight.shift()!;
    const r = await head.result;
    if (!r.ok) return { ok: false, checked: checked + r.checked, firstBrokenId: r.firstBrokenId, reason: r.reason };
    checked += head.size;
  };
  try {
    for (;;) {
      const rows = await auditPage(db, lastId, PAGE);
      if (!rows.length) break;
      inFlight.push({ size: rows.length, result: pool.run({ kind: 'audit-verify', batch: { prevHash, lastId, rows } }) });
      prevHash = rows[rows.length - 1].hash;
      lastId = rows[rows.length - 1].id;
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
    return { ok: true, checked };
  } finally {
    // Don't leave rejections unobserved when returning early.
    for (const f of inFlight) f.result.catch(() => {});
  }
}
