/**
 * What every system in the dispatch-vs-queues comparison implements. The workload (bench/peers/workload.ts)
 * only talks to this, so all systems run the same thing: a backlog created before any worker runs,
 * then tasks created one by one at a fixed rate, every task's handler doing nothing but complete.
 */
export type Settings = {
  /** Tasks in flight at once across all workers (the same number for every system). */
  slots: number;
  /** Offered tasks per second in the latency phase (a polling system sizes its batch from it). */
  rate: number;
};

export interface QueueSystem {
  /** Name in tables and charts. */
  readonly name: string;
  /** How this system was set up (concurrency, polling, batch size), for the report. */
  readonly setup: string;
  /** Fresh storage (database, queue prefix, server); no worker runs yet. */
  prepare(): Promise<void>;
  /** Creates one task per seq, as one batch where the system has a batch call. */
  backlog(seqs: number[]): Promise<void>;
  /** Starts the workers: each calls onStart(seq) when its handler begins, then completes the task. */
  startWorkers(onStart: (seq: number) => void): Promise<void>;
  /** Creates one task now; resolves when the system has accepted it. */
  add(seq: number): Promise<void>;
  /** A process of its own doing the dispatching (ours: the server), for its CPU time. */
  serverPid?(): number | undefined;
  /** Stops workers and removes everything prepare() made. Safe to call after a failure at any step. */
  close(): Promise<void>;
}
