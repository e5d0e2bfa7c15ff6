import type { Db } from '@/db/client';
import { AppError, tooManyRequests } from '../errors';
import { audit } from '../audit/log';
import { issueAgentToken } from '../agents/service';
import { recordSecurityEvent } from '../security/events';
import { agentSecretLimits, giveBack, takeSlot, type Limit, type ThrottleSlot } from './rate-limit';

/**
 * Trades an agent's secret for a token, with a failure limit per agent and per address taken
 * before the secret is checked: parallel guesses can't get more checks than the limit, and the
 * rest answer 429 with Retry-After. The guess that uses up a limit raises one security event.
 */
export async function exchangeAgentSecret(db: Db, agentId: string, secret: string, ip?: string) {
  const { perAgent, perAddress } = agentSecretLimits;
  const agentSlot = await takeSlot(db, `agent-token:${agentId}`, perAgent);
  if (!agentSlot.granted) return refuse(db, agentId, ip, agentSlot.retryAfter, 'agent');
  const addressSlot = await takeSlot(db, `agent-token-ip:${ip ?? 'unknown'}`, perAddress);
  if (!addressSlot.granted) {
    await giveBack(db, agentSlot);
    return refuse(db, agentId, ip, addressSlot.retryAfter, 'address');
  }
  try {
    const token = await issueAgentToken(db, agentId, secret, ip);
    await giveBack(db, agentSlot);
    await giveBack(db, addressSlot);
    return token;
  } catch (err) {
    if (err instanceof AppError && err.status === 401) {
      await reportGuessing(db, agentId, ip, agentSlot, perAgent, 'agent');
      await reportGuessing(db, agentId, ip, addressSlot, perAddress, 'address');
    } else {
      await giveBack(db, agentSlot);
      await giveBack(db, addressSlot);
    }
    throw err;
  }
}

async function refuse(db: Db, agentId: string, ip: string | undefined, retryAfter: number, scope: 'agent' | 'address'): Promise<never> {
  await audit(
    db,
    { kind: 'agent', id: agentId, name: 'unknown', ip },
    {
      action: 'agent.token',
      outcome: 'denied',
      targetType: 'agent',
      targetId: agentId,
      detail: { reason: 'rate-limited', scope },
    },
  );
  throw tooManyRequests(retryAfter);
}

// Exactly one failure per window holds the last slot, so this fires once per agent or address.
async function reportGuessing(db: Db, agentId: string, ip: string | undefined, slot: ThrottleSlot, l: Limit, scope: 'agent' | 'address') {
  if (!slot.granted || slot.count !== l.limit) return;
  await recordSecurityEvent(db, {
    kind: 'agent-secret-guessing',
    severity: 'high',
    ip,
    detail: { scope, agentId, failures: l.limit, windowSeconds: l.windowMs / 1000 },
  });
}
