import { describe, expect, it } from 'vitest';
import { slope, usageOf } from './proc-usage';

describe('slope', () => {
  it('is the least-squares gradient of the points', () => {
    expect(
      slope([
        { x: 0, y: 1 },
        { x: 1, y: 3 },
        { x: 2, y: 5 },
      ]),
    ).toBeCloseTo(2);
    expect(
      slope([
        { x: 0, y: 2 },
        { x: 1, y: 0 },
        { x: 2, y: 2 },
        { x: 3, y: 0 },
      ]),
    ).toBeCloseTo(-0.4);
  });

  it('is zero for a flat line and for fewer than two points', () => {
    expect(
      slope([
        { x: 0, y: 7 },
        { x: 5, y: 7 },
      ]),
    ).toBe(0);
    expect(slope([{ x: 3, y: 1 }])).toBe(0);
    expect(slope([])).toBe(0);
  });
});

describe('usageOf', () => {
  it.runIf(process.platform === 'linux')('reads this process: some CPU time, its resident memory', () => {
    const u = usageOf(process.pid)!;
    expect(u.cpuMs).toBeGreaterThan(0);
    expect(u.rssBytes).toBeGreaterThan(process.memoryUsage().heapUsed / 2);
    expect(u.pids).toBeGreaterThanOrEqual(1);
  });

  it.runIf(process.platform === 'linux')('answers null for a process that does not exist', () => {
    expect(usageOf(2 ** 22 + 17)).toBeNull();
  });
});
