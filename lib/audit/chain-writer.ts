import { appendFile, rename } from 'node:fs/promises';
import type { Db } from '@/db/client';
import { unobserved } from '@/db/activity';
import { firstKeyedAuditId, tryChainerLease, withUnchained, type AuditRow, type ChainerLease, type ChainLink } from '@/db/queries/audit';
import { log } from '../log';
import { chainHash, GENESIS_HASH, macValid, rowFields } from './chain';
import { readCheckpoint, writeCheckpoint, type Checkpoint } from './checkpoint';
import { auditKeys } from './keys';

/** A row may sit after a gap in the ids this long: a lower id may belong to a write not yet committed. */
const GAP_WAIT_MS = 5_000;
/** How often a process that doesn't chain asks whether the chainer went away. */
const LEASE_RETRY_MS = 5_000;

/**
 * Links unchained audit rows to the chain in id order, then signs the new head into the checkpoint
 * (checkpoint.ts). Writers insert rows with their own commit (no global lock on the hot path); this
 * single pass hashes them a moment later. What an attacker with only the database could do to the
 * chainer, it refuses:
 * - it links only rows whose MAC verifies (a row the attacker inserted stays out, and verify names it);
 * - it never fills in a hash at or below the checkpoint's row (hashes nulled there stay null) and
 *   never overwrites one;
 * - it continues from the newest chained row only if that row's own keyed hash verifies.
 * Returns how many rows it chained.
 */
export async function chainPending(db: Db, now = Date.now()): Promise<number> {
  if (!(await mayChain(db))) return 0;
  const keys = auditKeys();
  const read = await readCheckpoint(db);
  if (read.invalid) {
    // Kept as evidence, not overwritten: a checkpoint signed under another AUTH_SECRET, or tampered with.
    log().error({ file: read.file, reason: read.invalid }, 'audit checkpoint does not verify; set aside, a new one starts');
    await rename(read.file, `${read.file}.invalid-${Date.now()}`).catch(() => undefined);
  }
  const cp = read.checkpoint;
  let total = 0;
  let head: ChainLink | undefined;
  const forged: number[] = [];
  let refused: string | undefined;
  for (;;) {
    const links = await withUnchained(db, cp?.lastId ?? 0, 2000, (last, rows) => {
      const start = startOf(last, cp, head);
      if (typeof start === 'string') {
        refused = start;
        return [];
      }
      let prev = start.hash;
      let lastId = start.id;
      const out: ChainLink[] = [];
      for (const row of rows) {
        if (!macValid(keys.row, row.mac, rowFields(row))) {
          // Not written by the server (or written before row MACs, and never chained): left out.
          forged.push(row.id);
          lastId = row.id;
          continue;
        }
        if (row.id !== lastId + 1 && now - row.at.getTime() < GAP_WAIT_MS) break;
        const hash = chainHash(keys.chain, prev, row.id, row.mac!);
        out.push({ id: row.id, prev, hash });
        prev = hash;
        lastId = row.id;
      }
      return out;
    });
    total += links.length;
    if (links.length) head = links[links.length - 1];
    if (links.length < 2000) break;
  }
  if (refused) log().error({ reason: refused }, 'audit chainer refused to chain');
  const fresh = forged.filter((id) => !chainer().warned.has(id));
  if (fresh.length) {
    log().warn({ ids: fresh.slice(0, 20), count: fresh.length }, 'audit rows without a valid MAC left unchained');
    if (chainer().warned.size > 10_000) chainer().warned.clear();
    fresh.forEach((id) => chainer().warned.add(id));
  }
  if (head) {
    await writeCheckpoint(db, { lastId: head.id, head: head.hash, keyedFrom: cp?.keyedFrom ?? (await firstKeyedAuditId(db)) });
    if (process.env.AUDIT_LOG_PATH) await copyToFile(db, total).catch(() => {});
  }
  return total;
}

/**
 * Where the next link starts: the checkpoint's head when the database's chain doesn't reach past it
 * (rows deleted or hashes nulled: the chain goes on from what was signed, and verify reports the
 * damage), otherwise the newest chained row if its own hash verifies. A string is a refusal.
 */
function startOf(
  last: AuditRow | undefined,
  cp: Checkpoint | undefined,
  head: ChainLink | undefined,
): { id: number; hash: string } | string {
  if (head) return { id: head.id, hash: head.hash };
  if (cp && (!last || last.id <= cp.lastId)) return { id: cp.lastId, hash: cp.head };
  if (!last) return { id: 0, hash: GENESIS_HASH };
  if (last.mac === null) {
    // The head of a chain from before row MACs (an upgrade): trusted as the checkpoint-less start.
    return cp ? `row ${last.id} after the checkpoint has no MAC` : { id: last.id, hash: last.hash! };
  }
  const keys = auditKeys();
  if (!macValid(keys.row, last.mac, rowFields(last)) || chainHash(keys.chain, last.prevHash ?? '', last.id, last.mac) !== last.hash) {
    return `the newest chained row ${last.id} does not verify`;
  }
  return { id: last.id, hash: last.hash! };
}

async function copyToFile(db: Db, n: number) {
  const { auditTail } = await import('@/db/queries/audit-tail');
  const rows = await auditTail(db, n);
  await appendFile(process.env.AUDIT_LOG_PATH!, `${rows.map((r) => JSON.stringify(r)).join('\n')}\n`);
}

type Chainer = { elected: boolean; lease?: ChainerLease; triedAt: number; warned: Set<number> };

function chainer(): Chainer {
  const g = globalThis as { __ecsChainer?: Chainer };
  return (g.__ecsChainer ??= { elected: false, triedAt: 0, warned: new Set() });
}

/**
 * With several server processes, one chains: the one holding the chainer lease (a Postgres session
 * advisory lock, db/queries/audit.ts), so one process writes the checkpoint and it never goes
 * backwards. The others write rows and verify; when the chainer dies its lock goes with its
 * session, and another process takes over within LEASE_RETRY_MS. Without this call (tests, tools)
 * a process chains whenever asked.
 */
export function electChainer(): () => Promise<void> {
  const c = chainer();
  c.elected = true;
  c.triedAt = 0;
  return async () => {
    c.elected = false;
    const lease = c.lease;
    c.lease = undefined;
    await lease?.release();
  };
}

/** Whether this process is the chainer (taking the lease if it is free). */
export async function mayChain(db: Db): Promise<boolean> {
  const c = chainer();
  if (!c.elected) return true;
  if (c.lease) {
    if (await c.lease.alive()) return true;
    const lost = c.lease;
    c.lease = undefined;
    await lost.release().catch(() => undefined);
    log().warn('lost the audit chainer lease');
  }
  if (Date.now() - c.triedAt < LEASE_RETRY_MS) return false;
  c.triedAt = Date.now();
  c.lease = await tryChainerLease(db);
  if (c.lease) log().info('this process chains the audit log');
  return !!c.lease;
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

/** Cancels a scheduled pass and waits for a running one: nothing chains behind the caller's back. */
export async function settleChain(): Promise<void> {
  const s = scheduler();
  if (s.timer) clearTimeout(s.timer);
  s.timer = undefined;
  s.again = false;
  await s.running;
}

function scheduler(): Scheduler {
  const g = globalThis as { __ecsChain?: Scheduler };
  return (g.__ecsChain ??= {});
}

/**
 * Answers the pass itself, so the loop sees (and logs, and backs off on) its failures. A pass
 * creates no work for anyone: unheard (db/activity.ts), so the writes that nudged it don't wake
 * the resting jobs a second time half a second later.
 */
function start(db: Db, s: Scheduler): Promise<unknown> {
  const pass = unobserved(() => chainPending(db));
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
