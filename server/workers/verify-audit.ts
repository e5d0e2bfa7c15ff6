import type { Db } from '@/db/client';
import type { BatchResult, ChainState } from '@/lib/audit/check';
import { verifyAuditChain, type BatchRunner, type VerifyResult } from '@/lib/audit/verify';
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

export function verifyAuditChainInPool(db: Db): Promise<VerifyResult> {
  return verifyAuditChain(db, poolAuditRunner());
}
