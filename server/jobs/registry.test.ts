import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDb, type TestDb } from '@/db/testing/test-db';
import { runtimeState } from '@/lib/health';
import { sleep, waitFor } from '../sim/fleet';
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
    const jobs = runJobs([{ name: 'broken', scope: 'every-process', everyMs: 20, run: async () => (at.push(performance.now()), Promise.reject(new Error('database gone'))) }], {
      leads: () => true,
      stop: async () => {},
    });
    await waitFor(() => at.length >= 4, 10_000);
    jobs.stop();
    // After failures 1, 2, 3 the waits are at least 40, 80 and 160 ms (a busy machine only lengthens them).
    const gaps = at.slice(1, 4).map((v, i) => v - at[i]);
    gaps.forEach((g, i) => expect(g).toBeGreaterThanOrEqual(20 * 2 ** (i + 1) - 2));
    expect(jobs.status()[0]).toMatchObject({ name: 'broken', lastError: 'database gone', runs: at.length });
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
