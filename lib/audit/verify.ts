import type { Db } from '@/db/client';
import { auditPageText, auditRowHash, duplicateAuditMacs, withAuditSnapshot } from '@/db/queries/audit';
import { GENESIS_HASH, type ChainKeys } from './chain';
import { chainNow } from './chain-writer';
import { startState, type BatchResult, type ChainState, type PageText, type Problem } from './check';
import { readCheckpoint, type CheckpointRead } from './checkpoint';
import { auditKeys } from './keys';

export type VerifyResult = {
  ok: boolean;
  /** Chained rows checked. */
  checked: number;
  /** Rows at the end not chained yet (they join within a second or two). */
  pending: number;
  /** Rows from before row MACs, checked by their unkeyed hashes only. */
  legacy: number;
  /** The signed head kept outside the database that the log was held against, if there is one yet. */
  checkpoint: { lastId: number; at: string } | null;
  problems: Problem[];
  /** The first problem's row and description (kept from the earlier answer). */
  firstBrokenId?: number;
  reason?: string;
};

/**
 * The check's two steps off the main thread; the worker pool registers itself here at start.
 * walk: where the next page starts (cheap, in page order); check: the keyed work (pages side by side).
 */
export type BatchRunner = {
  walk: (page: PageText) => Promise<ChainState>;
  check: (page: PageText & { keys: ChainKeys }) => Promise<BatchResult>;
  threads: number;
};

const PAGE = 500;
const MAX_PROBLEMS = 100;

export function setAuditBatchRunner(runner: BatchRunner | undefined): void {
  (globalThis as { __ecsAuditRunner?: BatchRunner }).__ecsAuditRunner = runner;
}

export function auditBatchRunner(): BatchRunner {
  const runner = (globalThis as { __ecsAuditRunner?: BatchRunner }).__ecsAuditRunner;
  if (!runner) throw new Error('The worker pool is not started: audit verification runs only there');
  return runner;
}

/**
 * Verifies the whole log: every row's MAC and keyed hash, every link, and the chain against the
 * signed checkpoint kept outside the database. This thread only reads pages and walks them with
 * advance() (no cryptography); the checks run in the worker pool, several batches at once, with
 * a bounded read-ahead, so the event loop stays free however long the log is. Chains what is
 * pending first when this process is the chainer.
 */
export async function verifyAuditChain(db: Db, runner: BatchRunner = auditBatchRunner()): Promise<VerifyResult> {
  await chainNow(db).catch(() => undefined);
  // The checkpoint before the snapshot: it is written after its rows commit, so the snapshot holds them.
  const read = await readCheckpoint(db);
  return withAuditSnapshot(db, (tx) => verifySnapshot(tx, runner, read));
}

async function verifySnapshot(db: Db, runner: BatchRunner, read: CheckpointRead): Promise<VerifyResult> {
  const keys = auditKeys();
  const cp = read.checkpoint;
  const problems: Problem[] = [];
  if (read.invalid) problems.push({ kind: 'bad-checkpoint', id: 0, detail: `the checkpoint ${read.file} is not trusted: ${read.invalid}` });
  let state = startState(GENESIS_HASH, cp?.keyedFrom ?? null);
  let checked = 0;
  let legacy = 0;
  const inFlight: Promise<BatchResult>[] = [];
  const settle = async () => {
    const r = await inFlight.shift()!;
    checked += r.checked;
    legacy += r.legacy;
    problems.push(...r.problems);
  };
  try {
    let page = await auditPageText(db, 0, PAGE);
    while (page) {
      const start = state;
      inFlight.push(runner.check({ keys, start, text: page.text }));
      // The next page is read while this one is walked.
      [state, page] = await Promise.all([runner.walk({ start, text: page.text }), auditPageText(db, page.lastId, PAGE)]);
      if (inFlight.length > runner.threads * 2) await settle();
    }
    while (inFlight.length) await settle();
  } finally {
    // Never leave a batch running behind an early exit: its answer would reach a pool that moved on.
    await Promise.allSettled(inFlight);
  }
  if (cp) {
    const atCheckpoint = await auditRowHash(db, cp.lastId);
    if (!atCheckpoint) {
      problems.push({
        kind: 'truncated',
        id: cp.lastId,
        detail:
          state.lastId < cp.lastId
            ? `the checkpoint signed at ${cp.at} says the log reached row ${cp.lastId}; it ends at row ${state.lastId}: the newest rows were deleted (or the database restored from an older backup)`
            : `row ${cp.lastId}, the chain's head in the checkpoint signed at ${cp.at}, is missing`,
      });
    } else if (atCheckpoint.hash === null) {
      problems.push({
        kind: 'hashes-removed',
        id: cp.lastId,
        detail: `row ${cp.lastId} had hash ${cp.head.slice(0, 12)}… in the checkpoint signed at ${cp.at}; it has none now`,
      });
    } else if (atCheckpoint.hash !== cp.head) {
      problems.push({
        kind: 'rechained',
        id: cp.lastId,
        detail: `row ${cp.lastId} carries another hash than the checkpoint signed at ${cp.at}: the chain was rewritten`,
      });
    }
  }
  for (const dup of await duplicateAuditMacs(db, 10)) {
    problems.push({
      kind: 'replayed-row',
      id: dup.id,
      detail: `${dup.n} rows carry one MAC (the newest is ${dup.id}): a real row was copied`,
    });
  }
  const shown = problems.slice(0, MAX_PROBLEMS);
  return {
    ok: problems.length === 0,
    checked,
    pending: state.unchained?.n ?? 0,
    legacy,
    checkpoint: cp ? { lastId: cp.lastId, at: cp.at } : null,
    problems: shown,
    ...(shown[0] ? { firstBrokenId: shown[0].id, reason: shown[0].detail } : {}),
  };
}
