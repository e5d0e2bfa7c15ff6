import type { Db } from '@/db/client';
import { recordBeats } from '@/db/queries/lease-renewals';
import { retryTx } from '@/db/retry';
import { DEFAULT_LEASE_MS } from '../lifecycle/lease';

/** How long a due renewal waits for others to share its statement; leases run 60 s by default. */
export const RENEW_WINDOW_MS = 250;

type Due = { at: Date; settle: { resolve: () => void; reject: (err: unknown) => void }[] };
type Queue = { due: Map<string, Due>; timer?: NodeJS.Timeout };

// Per database handle, as completion batches (lib/lifecycle/completion-batch.ts).
const queues = new WeakMap<Db, Queue>();

/**
 * Extends the leases of everything the agent holds and records its beat, together with every
 * other agent's renewal due within RENEW_WINDOW_MS: with 1,000 agents a statement and a commit a
 * quarter-second instead of 50 a second. Answers once the statement has committed.
 */
export function renewLeases(db: Db, agentId: string, at: Date, windowMs = RENEW_WINDOW_MS): Promise<void> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { due: new Map() }));
  const queue = q;
  return new Promise((resolve, reject) => {
    const entry = queue.due.get(agentId);
    if (entry) {
      if (at > entry.at) entry.at = at;
      entry.settle.push({ resolve, reject });
    } else queue.due.set(agentId, { at, settle: [{ resolve, reject }] });
    queue.timer ??= setTimeout(() => void flush(db, queue), windowMs);
  });
}

async function flush(db: Db, q: Queue): Promise<void> {
  const due = q.due;
  q.due = new Map();
  q.timer = undefined;
  const beats = [...due].map(([agentId, d]) => ({ agentId, at: d.at }));
  try {
    await retryTx(() => recordBeats(db, beats, DEFAULT_LEASE_MS));
    for (const d of due.values()) for (const s of d.settle) s.resolve();
  } catch (err) {
    for (const d of due.values()) for (const s of d.settle) s.reject(err);
  }
}
