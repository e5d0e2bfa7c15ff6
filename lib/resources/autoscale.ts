import type { Db } from '@/db/client';
import {
  allKinds,
  lockKind,
  markOverThreshold,
  pendingDemand,
  poolsOfType,
  poolsWithKinds,
  setCapacity,
  type PoolRow,
} from '@/db/queries/resources';
import { publishLive } from '../live';

export type ScalingConfig = {
  /** Utilisation at or above which a pool counts as hot (0.8). */
  highWater: number;
  /** How long it must stay hot before it borrows (1 minute). */
  sustainMs: number;
  /** Utilisation below which borrowed capacity goes back to the reserve (0.5). */
  lowWater: number;
  /** Utilisation a resize aims for (0.6). */
  target: number;
};

export const defaultScaling: ScalingConfig = { highWater: 0.8, sustainMs: 60_000, lowWater: 0.5, target: 0.6 };

type PoolState = Pick<PoolRow, 'departmentId' | 'type' | 'guaranteed' | 'maximum' | 'capacity' | 'allocated' | 'overThresholdSince'>;

export type ScaleAction =
  | { kind: 'resize'; departmentId: string; type: string; before: number; after: number; reason: string }
  | { kind: 'mark'; departmentId: string; type: string; since: Date | null };

const util = (p: Pick<PoolState, 'allocated' | 'capacity'>) => (p.capacity ? p.allocated / p.capacity : p.allocated > 0 ? 1 : 0);
const pct = (x: number) => `${Math.round(x * 100)}%`;

/**
 * Pure decision for one kind: hot pools (≥ highWater for sustainMs) borrow from `reserve` toward
 * the target utilisation, up to their maximum, hottest first; cool pools (< lowWater) give their
 * idle borrowed units back, never below their guarantee or what is allocated.
 */
export function decideScaling(
  pools: PoolState[],
  reserve: number,
  now: Date,
  cfg: ScalingConfig = defaultScaling,
  /** Units pending tasks of each department wait for: a pool keeps room for them. */
  queued: Record<string, number> = {},
): ScaleAction[] {
  const actions: ScaleAction[] = [];
  let left = reserve;
  // Give back first, so what cool pools return can serve hot ones in the same pass.
  for (const p of pools) {
    const u = util(p);
    if (u >= cfg.highWater || p.capacity <= p.guaranteed || u >= cfg.lowWater) continue;
    const after = Math.max(p.guaranteed, p.allocated + (queued[p.departmentId] ?? 0), Math.ceil(p.allocated / cfg.target));
    if (after >= p.capacity) continue;
    left += p.capacity - after;
    actions.push({
      kind: 'resize',
      departmentId: p.departmentId,
      type: p.type,
      before: p.capacity,
      after,
      reason: `auto-scale down: utilisation ${pct(u)} below ${pct(cfg.lowWater)}, ${p.capacity - after} returned to the reserve`,
    });
  }
  const hot = pools.filter((p) => util(p) >= cfg.highWater).sort((a, b) => util(b) - util(a));
  for (const p of pools) {
    const isHot = util(p) >= cfg.highWater;
    if (isHot && !p.overThresholdSince) actions.push({ kind: 'mark', departmentId: p.departmentId, type: p.type, since: now });
    if (!isHot && p.overThresholdSince) actions.push({ kind: 'mark', departmentId: p.departmentId, type: p.type, since: null });
  }
  for (const p of hot) {
    if (!p.overThresholdSince || now.getTime() - p.overThresholdSince.getTime() < cfg.sustainMs) continue;
    const wanted = Math.max(p.capacity + 1, Math.ceil(p.allocated / cfg.target));
    const after = Math.min(p.maximum, p.capacity + left, wanted);
    if (after <= p.capacity) continue;
    left -= after - p.capacity;
    const held = Math.round((now.getTime() - p.overThresholdSince.getTime()) / 1000);
    actions.push({
      kind: 'resize',
      departmentId: p.departmentId,
      type: p.type,
      before: p.capacity,
      after,
      reason: `auto-scale up: utilisation ${pct(util(p))} at or above ${pct(cfg.highWater)} for ${held} s, ${after - p.capacity} borrowed from the reserve`,
    });
    // The clock restarts: the next step needs another sustained period.
    actions.push({ kind: 'mark', departmentId: p.departmentId, type: p.type, since: null });
  }
  return actions;
}

/**
 * One auto-scaling pass over every kind. Each kind is decided and applied under its row lock
 * from fresh pool rows, so concurrent passes (or admin changes) can't overspend the reserve.
 * A kind whose unlocked reading calls for nothing is left alone: a transaction and a lock per
 * kind at every check were most of an idle server's statements. A change after that reading is
 * seen at the next check, as one just after a locked pass would be.
 */
export async function runAutoscale(db: Db, now = new Date(), cfg: ScalingConfig = defaultScaling): Promise<ScaleAction[]> {
  const done: ScaleAction[] = [];
  const demand = await pendingDemand(db);
  const reading = await poolsWithKinds(db, null);
  for (const { type, total } of await allKinds(db)) {
    const mine = reading.filter((p) => p.type === type);
    const queuedNow = Object.fromEntries(demand.filter((d) => d.type === type).map((d) => [d.departmentId, Math.ceil(d.amount)]));
    if (!decideScaling(mine, total - mine.reduce((s, p) => s + p.capacity, 0), now, cfg, queuedNow).length) continue;
    const applied = await db.transaction(async (tx) => {
      const kind = await lockKind(tx, type);
      const pools = await poolsOfType(tx, type);
      const reserve = kind.total - pools.reduce((s, p) => s + p.capacity, 0);
      const out: ScaleAction[] = [];
      const queued = Object.fromEntries(demand.filter((d) => d.type === type).map((d) => [d.departmentId, Math.ceil(d.amount)]));
      for (const a of decideScaling(pools, reserve, now, cfg, queued)) {
        if (a.kind === 'mark') {
          await markOverThreshold(tx, a.departmentId, a.type, a.since);
          out.push(a);
        } else if (await setCapacity(tx, a.departmentId, a.type, a.before, a.after, a.reason)) out.push(a);
      }
      return out;
    });
    done.push(...applied);
  }
  publishResizes(done);
  return done;
}

export function publishResizes(actions: { kind: string; departmentId: string; type: string }[]): void {
  for (const a of actions)
    if (a.kind === 'resize')
      publishLive({ type: 'resource:update', scope: a.departmentId, data: { departmentId: a.departmentId, types: [a.type] } });
}
