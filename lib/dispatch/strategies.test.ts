import { describe, expect, it } from 'vitest';
import { StrategyState, type Strategy } from './strategies';
import type { Candidate } from '../presence/profile';

/** A small deterministic generator, so a failure names a seed that reproduces it. */
function random(seed: number) {
  let x = seed;
  return () => (x = (x * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
}

function candidates(rnd: () => number, n: number): Candidate[] {
  return Array.from({ length: n }, (_, i) => {
    const caps = Object.fromEntries(Array.from({ length: Math.floor(rnd() * 4) }, (_, k) => [`c${k}`, true]));
    const max = 1 + Math.floor(rnd() * 4);
    return {
      id: `agent-${String(Math.floor(rnd() * 1000)).padStart(4, '0')}-${i}`,
      departmentId: 'engineering',
      specialization: 'general',
      capabilities: caps,
      activeTasks: Math.floor(rnd() * max),
      maxConcurrentTasks: max,
      weight: 1,
      score: 1,
    };
  });
}

describe('StrategyState.best', () => {
  for (const strategy of ['round-robin', 'least-connections', 'capability-match'] as Strategy[]) {
    it(`picks what rank() puts first under ${strategy}, cursor or not`, () => {
      for (let seed = 1; seed <= 300; seed++) {
        const rnd = random(seed);
        const list = candidates(rnd, 1 + Math.floor(rnd() * 12));
        const state = new StrategyState();
        if (rnd() < 0.7) state.picked('engineering', list[Math.floor(rnd() * list.length)].id);
        const req = rnd() < 0.5 ? { capabilities: { c0: true } } : {};
        const ranked = state.rank(strategy, 'engineering', list, req);
        expect(state.best(strategy, 'engineering', list, req)?.id, `seed ${seed}`).toBe(ranked[0].id);
      }
    });
  }

  it('walks round-robin through every agent once per lap', () => {
    const state = new StrategyState();
    const list = candidates(random(7), 9);
    const seen: string[] = [];
    for (let i = 0; i < list.length; i++) {
      const pick = state.best('round-robin', 'engineering', list)!;
      state.picked('engineering', pick.id);
      seen.push(pick.id);
    }
    expect([...seen].sort()).toEqual(list.map((c) => c.id).sort());
  });
});
