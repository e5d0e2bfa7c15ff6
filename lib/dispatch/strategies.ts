import { surplus } from './fit';
import type { Candidate } from '../presence/profile';
import type { TaskRequirements } from '@/db/vocabulary';

export type Strategy = 'round-robin' | 'least-connections' | 'weighted' | 'capability-match';

export type Cursor = { agentId: string | undefined; stamp: number };

/** Per-department state the strategies keep between picks (round-robin cursor, weighted credits). */
export class StrategyState {
  private cursors = new Map<string, string>();
  private moves = 0;
  private credits = new Map<string, number>();

  /** Orders candidates best-first for the department's strategy; the caller tries them in order. */
  rank(strategy: Strategy, departmentId: string, candidates: Candidate[], req: TaskRequirements = {}): Candidate[] {
    if (candidates.length <= 1) return candidates;
    if (strategy === 'weighted') return this.weighted(candidates);
    return [...candidates].sort(this.order(strategy, departmentId, req));
  }

  /**
   * The first of rank()'s order, without sorting every candidate: a hand-out per create needs
   * only the best agent, and sorting a department's agents per task showed in profiles.
   */
  best(strategy: Strategy, departmentId: string, candidates: Candidate[], req: TaskRequirements = {}): Candidate | undefined {
    if (candidates.length <= 1 || strategy === 'weighted') return this.rank(strategy, departmentId, candidates, req)[0];
    const order = this.order(strategy, departmentId, req);
    let top = candidates[0];
    for (let i = 1; i < candidates.length; i++) if (order(candidates[i], top) < 0) top = candidates[i];
    return top;
  }

  /**
   * The strategy's key (none for round-robin), then round-robin position: ids after the last one
   * picked in this department ascending, then the rest ascending.
   */
  private order(strategy: Strategy, departmentId: string, req: TaskRequirements): (a: Candidate, b: Candidate) => number {
    const last = this.cursors.get(departmentId);
    const key =
      strategy === 'least-connections'
        ? (a: Candidate, b: Candidate) => a.activeTasks / a.maxConcurrentTasks - b.activeTasks / b.maxConcurrentTasks
        : strategy === 'capability-match'
          ? (a: Candidate, b: Candidate) => surplus(a, req) - surplus(b, req) || a.activeTasks - b.activeTasks
          : () => 0;
    return (a, b) => {
      const d = key(a, b);
      if (d !== 0) return d;
      const wrapA = last !== undefined && a.id <= last;
      const wrapB = last !== undefined && b.id <= last;
      if (wrapA !== wrapB) return wrapA ? 1 : -1;
      return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
    };
  }

  /** Records the pick so round-robin moves past it. */
  picked(departmentId: string, agentId: string): void {
    this.cursors.set(departmentId, agentId);
    this.moves++;
  }

  /** Round-robin's position in a department, with a stamp that changes on every pick. */
  cursorOf(departmentId: string): Cursor {
    return { agentId: this.cursors.get(departmentId), stamp: this.moves };
  }

  /**
   * A batch planned picks that did not all land: the position moves to the last one that did, or
   * back to where it was if none did and nobody else picked since `planned` was read.
   */
  settle(departmentId: string, lastLanded: string | undefined, before: Cursor, planned: Cursor): void {
    if (lastLanded) {
      this.picked(departmentId, lastLanded);
      return;
    }
    if (this.moves !== planned.stamp) return;
    if (before.agentId === undefined) this.cursors.delete(departmentId);
    else this.cursors.set(departmentId, before.agentId);
  }

  /**
   * Smooth weighted round-robin (as nginx does) over weight × performance score: picks follow the
   * weights closely without bursts to one agent.
   */
  private weighted(candidates: Candidate[]): Candidate[] {
    const eff = (c: Candidate) => Math.max(0.01, c.weight * c.score);
    const total = candidates.reduce((s, c) => s + eff(c), 0);
    for (const c of candidates) this.credits.set(c.id, (this.credits.get(c.id) ?? 0) + eff(c));
    const ordered = [...candidates].sort((a, b) => (this.credits.get(b.id) ?? 0) - (this.credits.get(a.id) ?? 0));
    this.credits.set(ordered[0].id, (this.credits.get(ordered[0].id) ?? 0) - total);
    if (this.credits.size > 20_000) this.credits.clear();
    return ordered;
  }
}

/** Success rate smoothed toward 1 for agents with little history (Laplace-style prior of 5 wins). */
export function performanceScore(completed: number, failed: number): number {
  return (completed + 5) / (completed + failed + 5);
}

export function strategyState(): StrategyState {
  const g = globalThis as { __ecsStrategies?: StrategyState };
  return (g.__ecsStrategies ??= new StrategyState());
}
