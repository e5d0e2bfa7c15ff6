import type { Db } from '@/db/client';
import type { BatchResult, ChainState } from '@/lib/audit/check';
import { setAuditBatchRunner, verifyAuditChain, type BatchRunner, type VerifyResult } from '@/lib/audit/verify';
import { runInPool, workerPool } from './pool';

/** The audit check's batches, run on the pool's threads. */
export function poolAuditRunner(): BatchRunner {
  return {
    walk: (page) => runInPool<ChainState>({ kind: 'audit-walk', page }),
    check: (page) => runInPool<BatchResult>({ kind: 'audit-check', page }),
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
