import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { noteStatement, onDbWrite, unobserved } from '@/db/activity';
import { emitDomain, onDomain } from '@/lib/live';
import { createTestDb, type TestDb } from '@/test/test-db';
import { runtimeState } from '@/lib/health';
import { sleep, waitFor } from '../../sim/fleet';
import { startLeadership, type Leadership } from './leadership';
import { runJobs, type Job } from './registry';

let t: TestDb;
beforeAll(async () => {
  t = await createTestDb({ seed: false });
});
afterAll(() => t.drop());

const counter = (name: string, scope: Job['scope'], everyMs = 50) => {
  const c = { runs: 0, job: undefined as unknown as Job };
  c.job = { name, scope, everyMs, run: async () => void c.runs++ };
  return c;
};

describe('job registry', () => {
  it('skips a once-per-cluster job where it does not lead, and runs every-process jobs regardless', async () => {
    const elsewhere: Leadership = { leads: () => false, stop: async () => {} };
    const shared = counter('shared', 'once-per-cluster');
    const local = counter('local', 'every-process');
    const jobs = runJobs([shared.job, local.job], elsewhere);
    await waitFor(() => local.runs >= 3, 5_000);
    jobs.stop();
    expect(shared.runs).toBe(0);
    expect(runtimeState().jobs!().map((j) => [j.name, j.leader])).toEqual([
      ['shared', false],
      ['local', true],
    ]);
  });

  it('records a failing run and backs off, doubling the wait after each failure in a row', async () => {
    const at: number[] = [];
    const jobs = runJobs(
      [
        {
          name: 'broken',
          scope: 'every-process',
          everyMs: 20,
          run: async () => {
            at.push(performance.now());
            throw new Error('database gone');
          },
        },
      ],
      {
        leads: () => true,
        stop: async () => {},
      },
    );
    await waitFor(() => at.length >= 4, 10_000);
    jobs.stop();
    // After failures 1, 2, 3 the waits are at least 40, 80 and 160 ms (a busy machine only lengthens them).
    const gaps = at.slice(1, 4).map((v, i) => v - at[i]);
    gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(20 * 2 ** (i + 1) - 2));
    expect(jobs.status()[0]).toMatchObject({ name: 'broken', lastError: 'database gone', runs: at.length });
  });
});

describe('idle jobs on a database only this process writes', () => {
  const alone: Leadership = { leads: () => true, stop: async () => {} };
  afterEach(() => vi.useRealTimers());

  /** An idle job that records when it ran (fake clock, ms since the start) and answers what `found` says. */
  const poller = (
    name: string,
    opts: { maxMs?: number; nextDueAt?: () => Promise<number | null>; found?: () => boolean; during?: () => void } = {},
  ) => {
    const t0 = Date.now();
    const c = { at: [] as number[], job: undefined as unknown as Job };
    c.job = {
      name,
      scope: 'every-process',
      everyMs: 1000,
      idle: { maxMs: opts.maxMs ?? 8000, nextDueAt: opts.nextDueAt },
      run: async () => {
        c.at.push(Date.now() - t0);
        opts.during?.();
        return opts.found?.() ?? false;
      },
    };
    return c;
  };

  it('rests twice as long after each pass that finds nothing, up to its maximum', async () => {
    vi.useFakeTimers();
    const p = poller('p');
    const jobs = runJobs([p.job], alone, { quiet: true });
    await vi.advanceTimersByTimeAsync(40_000);
    jobs.stop();
    expect(p.at.slice(0, 7)).toEqual([1000, 3000, 7000, 15000, 23000, 31000, 39000]);
  });

  it('keeps its interval when the process is not alone on its database', async () => {
    vi.useFakeTimers();
    const p = poller('p');
    const jobs = runJobs([p.job], alone);
    await vi.advanceTimersByTimeAsync(10_000);
    jobs.stop();
    expect(p.at).toHaveLength(10);
  });

  it('is back on its interval after a write elsewhere, and not after a read', async () => {
    vi.useFakeTimers();
    const p = poller('p');
    const jobs = runJobs([p.job], alone, { quiet: true });
    await vi.advanceTimersByTimeAsync(15_500); // resting until 23000
    noteStatement('select id from tasks');
    await vi.advanceTimersByTimeAsync(2000);
    expect(p.at.at(-1)).toBe(15000);
    noteStatement("update tasks set status = 'pending'");
    await vi.advanceTimersByTimeAsync(100);
    jobs.stop();
    // It had rested more than its interval since its last pass: it runs at once.
    expect(Math.floor(p.at.at(-1)! / 100)).toBe(175);
  });

  it('is not woken by writes when its work has a signal of its own', async () => {
    vi.useFakeTimers();
    const p = poller('p');
    p.job.idle!.ownSignal = true;
    const jobs = runJobs([p.job], alone, { quiet: true });
    await vi.advanceTimersByTimeAsync(15_500); // resting until 23000
    noteStatement("update tasks set status = 'pending'");
    await vi.advanceTimersByTimeAsync(2000);
    jobs.stop();
    expect(p.at).toEqual([1000, 3000, 7000, 15000]);
  });

  it('is not woken by its own statements', async () => {
    vi.useFakeTimers();
    const p = poller('p', { during: () => noteStatement('insert into metric_samples values (1)') });
    const jobs = runJobs([p.job], alone, { quiet: true });
    await vi.advanceTimersByTimeAsync(16_000);
    jobs.stop();
    expect(p.at).toEqual([1000, 3000, 7000, 15000]);
  });

  it('never rests past the next deadline the database knows', async () => {
    vi.useFakeTimers();
    const due = Date.now() + 5_500;
    const p = poller('p', { nextDueAt: async () => due });
    const jobs = runJobs([p.job], alone, { quiet: true });
    await vi.advanceTimersByTimeAsync(6_000);
    jobs.stop();
    // Rests 2 s after the first pass, then only until the deadline at 5.5 s.
    expect(p.at).toEqual([1000, 3000, 5500]);
  });

  it('a pass that finds work keeps its interval and wakes the other idle jobs', async () => {
    vi.useFakeTimers();
    let work = false;
    const finder = poller('finder', { found: () => work, maxMs: 2000 });
    const other = poller('other');
    const jobs = runJobs([finder.job, other.job], alone, { quiet: true });
    await vi.advanceTimersByTimeAsync(15_500); // other rests until 23000; finder passes every 2 s
    work = true;
    await vi.advanceTimersByTimeAsync(3_000);
    jobs.stop();
    const seconds = (at: number[]) => at.filter((t) => t > 15_500).map((t) => Math.floor(t / 1000));
    expect(seconds(finder.at)).toEqual([17, 18]);
    expect(seconds(other.at)).toEqual([17, 18]);
  });

  // Real timers: a fake clock runs callbacks in the context of whoever advances it, which hides this.
  it('hears the writes of work a run sets off through a domain signal, after the run', async () => {
    const heard: string[] = [];
    const unhear = onDbWrite(() => heard.push('write'));
    // As the dispatcher does: a signal starts a pass that goes on after the signalling run ended.
    const off = onDomain('task:ready', () => void setTimeout(() => noteStatement("update tasks set status = 'assigned'"), 20));
    await unobserved(async () => {
      noteStatement("update tasks set status = 'pending' where status = 'scheduled'");
      emitDomain('task:ready', { departmentId: 'd', taskId: 't' });
    });
    await waitFor(() => heard.length > 0, 2_000);
    await sleep(50);
    off();
    unhear();
    expect(heard).toEqual(['write']);
  });
});

describe('job leadership', () => {
  it.skipIf(!!process.env.DATABASE_URL)('always leads on the embedded database (one process owns it)', () => {
    const l = startLeadership(['a', 'b']);
    expect(l.leads('a') && l.leads('b')).toBe(true);
    return l.stop();
  });

  it.skipIf(!process.env.DATABASE_URL)('gives each job to one of two contenders, and to the other once the holder lets go', async () => {
    const a = startLeadership(['x', 'y']);
    await waitFor(() => a.leads('x') && a.leads('y'), 10_000);
    const b = startLeadership(['x', 'y']);
    // b has checked at least twice and still leads nothing while a holds the locks.
    await sleep(2_500);
    expect([b.leads('x'), b.leads('y')]).toEqual([false, false]);
    expect([a.leads('x'), a.leads('y')]).toEqual([true, true]);
    await a.stop();
    expect(a.leads('x')).toBe(false);
    await waitFor(() => b.leads('x') && b.leads('y'), 5_000);
    await b.stop();
  });
});
