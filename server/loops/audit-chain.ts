import { getDb } from '@/db/client';
import { chainNow } from '@/lib/audit/chain-writer';
import { every } from './every';

/** Writers nudge the chainer themselves; this pass catches rows whose nudge was lost (crash, gap wait). */
export function startAuditChainLoop(): () => void {
  return every('audit-chain', 1000, () => chainNow(getDb()));
}
