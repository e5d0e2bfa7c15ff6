import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { completeTasks, type CompletedTask } from '@/db/queries/completions';

type Waiting = {
  taskId: string;
  agentId: string;
  result: unknown;
  resolve: (row: CompletedTask | null) => void;
  reject: (err: unknown) => void;
};
type Queue = { waiting: Waiting[]; busy: boolean };

// Per database handle: a transaction's completions never join statements outside it.
const queues = new WeakMap<Db, Queue>();
const MAX_BATCH = 500;

/**
 * Completes a task as part of a batch: every completion that arrives while the previous batch is
 * in flight (or in the same event-loop turn) goes to Postgres in one statement, one commit. Under
 * load that is many per statement; alone it is one, after one turn. Answers the completed row, or
 * null when the task was not active and assigned to this agent (the caller tells why).
 */
export function completeBatched(db: Db, agentId: string, taskId: string, result: unknown): Promise<CompletedTask | null> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { waiting: [], busy: false }));
  const queue = q;
  return new Promise((resolve, reject) => {
    queue.waiting.push({ taskId, agentId, result, resolve, reject });
    if (!queue.busy && queue.waiting.length === 1) setImmediate(() => void flush(db, queue));
  });
}

async function flush(db: Db, q: Queue): Promise<void> {
  if (q.busy || !q.waiting.length) return;
  q.busy = true;
  const batch = q.waiting.splice(0, MAX_BATCH);
  try {
    await settle(db, batch);
  } finally {
    q.busy = false;
    if (q.waiting.length) void flush(db, q);
  }
}

async function settle(db: Db, batch: Waiting[]): Promise<void> {
  let rows: CompletedTask[];
  try {
    rows = await retryTx(() => runBatch(db, batch));
  } catch (err) {
    // One completion's value refused (a NUL in its result, say) must not fail the others with it:
    // each goes again alone, and only the one at fault gets the error.
    if (batch.length === 1) return batch[0].reject(err);
    for (const w of batch) await settle(db, [w]);
    return;
  }
  const byTask = new Map(rows.map((r) => [r.task.id, r]));
  for (const w of batch) {
    const row = byTask.get(w.taskId);
    // A repeat of one completion within the batch: the first takes the row, the repeat is told
    // it was a duplicate by the caller's look-up.
    if (row && row.task.assignedAgentId === w.agentId) byTask.delete(w.taskId);
    w.resolve(row && row.task.assignedAgentId === w.agentId ? row : null);
  }
}

function runBatch(db: Db, batch: Waiting[]): Promise<CompletedTask[]> {
  return completeTasks(
    db,
    batch.map((w) => ({ taskId: w.taskId, agentId: w.agentId, result: w.result })),
  );
}
