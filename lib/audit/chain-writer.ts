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
  const g = globalThis as { __ecsChain?: Scheduler };
  const s = (g.__ecsChain ??= {});
  if (s.timer) return;
  if (s.running) {
    s.again = true;
    return;
  }
  s.timer = setTimeout(() => {
    s.timer = undefined;
    s.running = chainPending(db)
      .catch(() => undefined) // the background loop retries; a closed test database ends here
      .finally(() => {
        s.running = undefined;
        if (s.again) {
          s.again = false;
          scheduleChain(db);
        }
      });
  }, CHAIN_DELAY_MS);
  s.timer.unref?.();
}
