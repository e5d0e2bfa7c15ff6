import { appendFile } from 'node:fs/promises';
import type { Db } from '@/db/client';
import { withUnchained } from '@/db/queries/audit';
import { GENESIS_HASH, hashAuditRow, rowFields } from './chain';

/** A row may sit after a gap in the ids this long: a lower id may belong to a write not yet committed. */
const GAP_WAIT_MS = 5_000;

/**
 * Links unchained audit rows to the chain in id order. Writers insert rows with their own commit
 * (no global lock on the hot path); this single pass hashes them a moment later. Returns how many
 * rows it chained.
 */
export async function chainPending(db: Db, now = Date.now()): Promise<number> {
  let total = 0;
  for (;;) {
    const links = await withUnchained(db, 2000, (last, rows) => {
      let prev = last?.hash ?? GENESIS_HASH;
      let lastId = last?.id ?? 0;
      const out: { id: number; prev: string; hash: string }[] = [];
      for (const row of rows) {
        if (row.id !== lastId + 1 && now - row.at.getTime() < GAP_WAIT_MS) break;
        const hash = hashAuditRow(prev, rowFields(row));
        out.push({ id: row.id, prev, hash });
        prev = hash;
        lastId = row.id;
      }
      return out;
    });
    total += links.length;
    if (links.length < 2000) break;
  }
  if (total && process.env.AUDIT_LOG_PATH) await copyToFile(db, total).catch(() => {});
  return total;
}

async function copyToFile(db: Db, n: number) {
  const { auditTail } = await import('@/db/queries/audit-tail');
  const rows = await auditTail(db, n);
  await appendFile(process.env.AUDIT_LOG_PATH!, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
}

const CHAIN_DELAY_MS = 500;

type Scheduler = { timer?: NodeJS.Timeout; running?: Promise<unknown>; again?: boolean };

/**
 * Chains soon after a write, coalescing bursts into one pass (one per process at a time). Soon is
 * half a second: a pass is a transaction of five statements whatever it chains, and at 50 ms it was
 * a tenth of all statements under a steady 500 creates/s. Readers don't wait for it: verifying
 * chains what is pending first.
 */
export function scheduleChain(db: Db): void {
  const s = scheduler();
  if (s.timer) return;
  if (s.running) {
    s.again = true;
    return;
  }
  s.timer = setTimeout(() => {
    s.timer = undefined;
    start(db, s);
  }, CHAIN_DELAY_MS);
  s.timer.unref?.();
}

/**
 * A pass now, unless one is running (then that one): the background loop's way in. Two passes at
 * once wait on the chain lock in Postgres, each holding a pooled connection the creates need.
 */
export function chainNow(db: Db): Promise<unknown> {
  const s = scheduler();
  if (s.running) return s.running;
  if (s.timer) {
    clearTimeout(s.timer);
    s.timer = undefined;
  }
  return start(db, s);
}

function scheduler(): Scheduler {
  const g = globalThis as { __ecsChain?: Scheduler };
  return (g.__ecsChain ??= {});
}

/** Answers the pass itself, so the loop sees (and logs, and backs off on) its failures. */
function start(db: Db, s: Scheduler): Promise<unknown> {
  const pass = chainPending(db);
  s.running = pass
    .catch(() => undefined) // the background loop retries; a closed test database ends here
    .finally(() => {
      s.running = undefined;
      if (s.again) {
        s.again = false;
        scheduleChain(db);
      }
    });
  return pass;
}
