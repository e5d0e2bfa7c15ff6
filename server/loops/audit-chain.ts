import { getDb } from '@/db/client';
import { chainNow } from '@/lib/audit/chain-writer';
import type { Job } from '../jobs/registry';

/** Writers nudge the chainer themselves; this pass catches rows whose nudge was lost (crash, gap wait). */
export function auditChainJob(): Job {
  return { name: 'audit-chain', scope: 'once-per-cluster', everyMs: 1000, run: () => chainNow(getDb()) };
}
