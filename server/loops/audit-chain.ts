import { getDb } from '@/db/client';
import { chainNow, electChainer } from '@/lib/audit/chain-writer';
import type { Job } from '../jobs/registry';

/**
 * Every process runs the pass, but only the holder of the chainer lease chains and signs the
 * checkpoint (lib/audit/chain-writer.ts has its own lease, held on a reserved connection, because
 * writers nudge the chainer outside this job too). The pass catches rows whose nudge was lost
 * (crash, gap wait, a write in another process) and retakes the lease when its holder died.
 * Alone on its database (Job.idle), a process whose passes find nothing rests up to 8 s, and other
 * writes don't wake it: every audit write there nudges the chainer itself (half a second later), and
 * a pass a second on top of those was a tenth of the demo fleet's statements.
 */
export function auditChainJob(): Job {
  const resign = electChainer();
  return {
    name: 'audit-chain',
    scope: 'every-process',
    everyMs: 1000,
    idle: { maxMs: 8_000, ownSignal: true },
    run: async () => (await chainNow(getDb())) !== 0,
    stop: resign,
  };
}
