import type { Db } from '@/db/client';
import type { BatchResult } from '@/lib/audit/check';
import { setAuditBatchRunner, verifyAuditChain, type BatchRunner, type VerifyResult } from '@/lib/audit/verify';
import { runInPool, workerPool } from './pool';

/** The audit check's batches, run on the pool's threads. */
export function poolAuditRunner(): BatchRunner {
  return {
    run: (batch) => runInPool<BatchResult>({ kind: 'audit-verify', batch }),
    get threads() {
      return workerPool().options.maxThreads;
    },
  };
}

/** Makes every door's verification (REST, console, tools) run on the pool: called at start. */
export function registerAuditRunner(): void {
  setAuditBatchRunner(poolAuditRunner());
}

export function verifyAuditChainInPool(db: Db): Promise<VerifyResult> {
  return verifyAuditChain(db, poolAuditRunner());
}
