import { runtimeState, type JobStatus } from '@/lib/health';
import { log } from '@/lib/log';
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
};

export type Jobs = { stop: () => void; status: () => JobStatus[] };

/**
 * Runs each job on its own timer chain, so a run never overlaps the previous one. A failure is
 * logged (first and every tenth in a row) and the next run backs off up to 30 s, so a database
 * outage doesn't flood the log. A once-per-cluster job whose leadership is elsewhere skips its
 * turn and asks again next interval.
 */
export function runJobs(jobs: Job[], leadership: Leadership = startLeadership(jobs.filter((j) => j.scope === 'once-per-cluster').map((j) => j.name))): Jobs {
  let stopped = false;
  const timers = new Map<string, NodeJS.Timeout>();
  const states = new Map<string, Omit<JobStatus, 'leader'>>();

  for (const job of jobs) {
    const st = { name: job.name, scope: job.scope, everyMs: job.everyMs, runs: 0, lastRunAt: null as string | null, lastError: null as string | null };
    states.set(job.name, st);
    let failures = 0;
    const tick = async () => {
      if (stopped) return;
      if (job.scope === 'every-process' || leadership.leads(job.name)) {
        try {
          await job.run();
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
      if (stopped) return;
      const delay = failures ? Math.min(30_000, job.everyMs * 2 ** failures) : (job.nextDelayMs?.() ?? job.everyMs);
      timers.set(job.name, setTimeout(tick, delay));
    };
    timers.set(job.name, setTimeout(tick, job.firstDelayMs ?? job.everyMs));
  }

  const status = (): JobStatus[] => [...states.values()].map((s) => ({ ...s, leader: s.scope === 'every-process' || leadership.leads(s.name) }));
  runtimeState().jobs = status;
  return {
    status,
    stop: () => {
      stopped = true;
      for (const t of timers.values()) clearTimeout(t);
      for (const job of jobs) void Promise.resolve(job.stop?.()).catch((err) => log().warn({ loop: job.name, err }, 'job stop failed'));
      void leadership.stop();
    },
  };
}
