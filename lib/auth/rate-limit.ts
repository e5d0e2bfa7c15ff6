import type { Db } from '@/db/client';
import { pruneLoginCounters, releaseThrottleSlot, reserveThrottleSlot, type ThrottleSlot } from '@/db/queries/login-attempts';
import { log } from '../log';

export type Limit = { limit: number; windowMs: number };

// Failed logins per address: credential stuffing comes from few addresses.
export const loginAddressLimit: Limit = { limit: 30, windowMs: 5 * 60_000 };
// Wrong agent secrets: per agent (someone guessing one agent's secret) and per address (sweeping
// many). A slot is held while a secret is checked, so the address limit leaves room for a whole
// fleet on one host fetching its tokens at once; the SDK retries a 429 on reconnect.
export const agentSecretLimits = {
  perAgent: { limit: 10, windowMs: 5 * 60_000 } as Limit,
  perAddress: { limit: 100, windowMs: 5 * 60_000 } as Limit,
};

export type { ThrottleSlot };

/**
 * Takes a slot before the credential is checked, in the database, so parallel requests and
 * several server processes can't get more checks than the limit between them (a count kept in
 * memory, or bumped only after the check, let 44 parallel guesses through a limit of 30).
 * The slot stays taken when the attempt fails; `giveBack` returns it when it didn't.
 */
export function takeSlot(db: Db, key: string, l: Limit): Promise<ThrottleSlot> {
  maybePrune(db);
  return reserveThrottleSlot(db, key, l.limit, l.windowMs);
}

export function giveBack(db: Db, slot: ThrottleSlot): Promise<void> {
  return releaseThrottleSlot(db, slot);
}

// Old counters are cleared now and then by whichever request comes by: no loop to schedule.
function maybePrune(db: Db) {
  if (Math.random() >= 0.01) return;
  pruneLoginCounters(db).catch((err) => log().warn({ err }, 'pruning login counters failed'));
}
