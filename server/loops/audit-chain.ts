import { getDb } from '@/db/client';
import { chainNow, electChainer } from '@/lib/audit/chain-writer';
import { every } from './every';

/**
 * One process chains (and signs the checkpoint): the holder of the chainer lease, taken over by
 * another process when it dies. Writers nudge the chainer themselves; this pass catches rows whose
 * nudge was lost (crash, gap wait, a write in another process).
 */
export function startAuditChainLoop(): () => void {
  const resign = electChainer();
  const stop = every('audit-chain', 1000, () => chainNow(getDb()));
  return () => {
    stop();
    void resign();
  };
}
