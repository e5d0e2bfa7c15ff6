import type { Db } from '@/db/client';
import { pruneLoginCounters } from '@/db/queries/login-attempts';
import { take } from '../quotas/limiter';
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

export type ThrottleSlot = { granted: true; count: number; release: () => Promise<void> } | { granted: false; retryAfter: number };

/**
 * Takes a slot before the credential is checked, with rate-limiter-flexible over the database
 * (lib/quotas/limiter.ts, store `database`): one atomic statement shared by every process, so
 * parallel requests can't get more checks than the limit between them (a count kept in memory,
 * or bumped only after the check, let 44 parallel guesses through a limit of 30). The slot stays
 * taken when the attempt fails; `giveBack` returns it when it didn't.
 */
export async function takeSlot(db: Db, key: string, l: Limit): Promise<ThrottleSlot> {
  maybePrune(db);
  const t = await take(db, key, { points: l.limit, durationSec: Math.ceil(l.windowMs / 1000) }, { store: 'database' });
  return t.granted ? { granted: true, count: t.consumed, release: t.giveBack } : { granted: false, retryAfter: t.retryAfter };
}

export function giveBack(_db: Db, slot: ThrottleSlot): Promise<void> {
  return slot.granted ? slot.release() : Promise.resolve();
}

// Unknown-username counters are cleared now and then by whichever request comes by.
function maybePrune(db: Db) {
  if (Math.random() >= 0.01) return;
  pruneLoginCounters(db).catch((err) => log().warn({ err }, 'pruning login counters failed'));
}
