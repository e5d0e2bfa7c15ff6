import { runtimeState, type JobStatus } from '@/lib/health';
import { log } from '@/lib/log';
import { onDbWrite, unobserved } from '@/db/activity';
import { startLeadership, type Leadership } from './leadership';

export type JobScope = JobStatus['scope'];

/**
 * A background job. `every-process` jobs work on what only this process has (its sockets, its
 * in-memory counters); `once-per-cluster` jobs change shared state and run only in the process
 * that holds the job's leadership (./leadership.ts).
 */
export type Job = {
  name: string;
  scope: JobScope;
  /** Pause between the end of one run and the start of the next. */
  everyMs: number;
  /** The lib/ work. */
  run: () => Promise<unknown>;
  /** Before the first run; `everyMs` when unset, 0 runs at once. */
  firstDelayMs?: number;
  /** For clock-aligned jobs: the pause after a successful run, instead of `everyMs`. */
  nextDelayMs?: () => number;
  /** On shutdown, after the last run: give back what the job holds (a lease, a connection). */
  stop?: () => unknown;
  /**
   * For a job that polls for due work, when runJobs is told `quiet` (one process sees every
   * write): after a run that found nothing (`run` resolved `false`) the pause doubles, up to
   * `maxMs`, but never past `nextDueAt()` (epoch ms of the next deadline the database knows, null
   * for none). Any write by anyone else, or a run of this kind that found work, puts every such
   * job back on `everyMs` at once.
   */
  idle?: {
    maxMs: number;
    nextDueAt?: () => Promise<number | null>;
    /** Its work comes with a signal of its own (the audit chainer is nudged by each audit write): writes don't wake it. */
    ownSignal?: boolean;
  };
  /** Its writes create no work for other jobs (samples, alerts, the audit chain): they don't wake idle jobs. */
  housekeeping?: boolean;
};

/** The longest rest of an idle job (Job.idle): a bound should a deadline escape nextDueAt. */
export const IDLE_MAX_MS = 15_000;

export type Jobs = { stop: () => void; status: () => JobStatus[]; wake: () => void };

export type RunOptions = { quiet?: boolean };

/**
 * Runs each job on its own timer chain, so a run never overlaps the previous one. A failure is
 * logged (first and every tenth in a row) and the next run backs off up to 30 s, so a database
 * outage doesn't flood the log. A once-per-cluster job whose leadership is elsewhere skips its
 * turn and asks again next interval.
 */
export function runJobs(
  jobs: Job[],
  leadership: Leadership = startLeadership(jobs.filter((j) => j.scope === 'once-per-cluster').map((j) => j.name)),
  opts: RunOptions = {},
): Jobs {
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const states = new Map<string, Omit<JobStatus, 'leader'>>();
  /** One per idle job: puts it back on its interval (now, if it is resting longer). */
  const wakers = new Set<() => void>();
  const wake = () => wakers.forEach((w) => w());
  /** The wakers a write elsewhere calls: those of idle jobs without a signal of their own. */
  const writeWakers = new Set<() => void>();

  for (const job of jobs) {
    const st = {
      name: job.name,
      scope: job.scope,
      everyMs: job.everyMs,
      runs: 0,
      lastRunAt: null as string | null,
      lastError: null as string | null,
    };
    states.set(job.name, st);
    const idle = opts.quiet ? job.idle : undefined;
    let failures = 0;
    let rest = job.everyMs;
    let running = false;
    let woken = false;
    let lastEnd = 0;
    const schedule = (delay: number) => timers.set(job.name, setTimeout(tick, delay));
    const tick = async () => {
      if (stopped) return;
      running = true;
      woken = false;
      let foundNothing = false;
      const ran = job.scope === 'every-process' || leadership.leads(job.name);
      if (ran) {
        try {
          const result = idle || job.housekeeping ? await unobserved(job.run) : await job.run();
          foundNothing = result === false;
          failures = 0;
          st.lastError = null;
        } catch (err) {
          failures++;
          st.lastError = (err as Error).message;
          if (failures === 1 || failures % 10 === 0) log().error({ loop: job.name, failures, err: (err as Error).message }, 'loop failed');
        }
        st.runs++;
        st.lastRunAt = new Date().toISOString();
      } else failures = 0;
      let delay = failures ? Math.min(30_000, job.everyMs * 2 ** failures) : (job.nextDelayMs?.() ?? job.everyMs);
      // A failing job keeps its failure backoff; a wake-up doesn't cut it short.
      if (failures) rest = job.everyMs;
      else if (idle) {
        if (!foundNothing) rest = job.everyMs;
        else {
          rest = Math.min(idle.maxMs, rest * 2);
          const due = await unobserved(() => idle.nextDueAt?.() ?? Promise.resolve(null)).catch(() => Date.now());
          if (due !== null) rest = Math.max(job.everyMs, Math.min(rest, due - Date.now()));
        }
        // A write while this run was under way: the next pause is the short one.
        if (woken) rest = job.everyMs;
        delay = rest;
        // Work found here may be work for the others (a lease reaped is a task to dispatch, a retry to promote).
        if (ran && !foundNothing) wake();
      }
      running = false;
      lastEnd = Date.now();
      if (!stopped) schedule(delay);
    };
    if (idle) {
      const waker = () => {
        if (running) woken = true;
        else if (rest > job.everyMs) {
          rest = job.everyMs;
          clearTimeout(timers.get(job.name));
          if (!stopped) schedule(Math.max(0, job.everyMs - (Date.now() - lastEnd)));
        }
      };
      wakers.add(waker);
      if (!idle.ownSignal) writeWakers.add(waker);
    }
    schedule(job.firstDelayMs ?? job.everyMs);
  }

  const unhear = opts.quiet && writeWakers.size ? onDbWrite(() => writeWakers.forEach((w) => w())) : () => {};
  const status = (): JobStatus[] =>
    [...states.values()].map((s) => ({ ...s, leader: s.scope === 'every-process' || leadership.leads(s.name) }));
  runtimeState().jobs = status;
  return {
    status,
    wake,
    stop: () => {
      stopped = true;
      unhear();
      for (const t of timers.values()) clearTimeout(t);
      for (const job of jobs) void Promise.resolve(job.stop?.()).catch((err) => log().warn({ loop: job.name, err }, 'job stop failed'));
      void leadership.stop();
    },
  };
}
