import type { Db } from '@/db/client';
import { allKinds, lockKind, pendingDemand, poolsOfType, setCapacity, type PoolRow } from '@/db/queries/resources';
import { defaultScaling, publishResizes } from './autoscale';

export type Strategy = 'priority-based' | 'fair-share';
type PoolState = Pick<PoolRow, 'departmentId' | 'type' | 'guaranteed' | 'maximum' | 'capacity' | 'allocated'>;
/** What a department's pending tasks ask of one kind, and the most urgent priority among them (0 = critical). */
export type Demand = { departmentId: string; amount: number; bestRank: number; tasks: number };

export type Move = { type: string; from: string | null; to: string | null; amount: number };
export type Resize = { kind: 'resize'; departmentId: string; type: string; before: number; after: number; reason: string };

const util = (p: PoolState) => (p.capacity ? p.allocated / p.capacity : 0);

/**
 * Pure decision for one kind. Busy pools are those whose pending tasks ask for more than is free;
 * idle pools hold borrowed units and sit below the low-water mark with no queued demand. Units
 * flow from the reserve, then from idle pools, to busy pools, up to each one's maximum and need:
 * idle → busy only. Idle borrowed units nobody needs go back to the reserve.
 */
export function decideRebalance(
  pools: PoolState[],
  demand: Demand[],
  reserve: number,
  strategy: Strategy,
  lowWater = defaultScaling.lowWater,
): { moves: Move[]; resizes: Resize[] } {
  const wants = new Map(demand.map((d) => [d.departmentId, d]));
  const receivers = pools
    .map((p) => {
      const d = wants.get(p.departmentId);
      const need = d ? Math.ceil(d.amount) - (p.capacity - p.allocated) : 0;
      return { p, d, need: Math.min(need, p.maximum - p.capacity) };
    })
    .filter((r) => r.need > 0);
  const donors = pools
    .filter((p) => !receivers.some((r) => r.p === p) && util(p) < lowWater)
    // Like auto-scaling's give-back: keep the guarantee, what is held and queued, and headroom to the target.
    .map((p) => ({
      p,
      idle:
        p.capacity -
        Math.max(
          p.guaranteed,
          p.allocated + Math.ceil(wants.get(p.departmentId)?.amount ?? 0),
          Math.ceil(p.allocated / defaultScaling.target),
        ),
    }))
    .filter((d) => d.idle > 0)
    .sort((a, b) => b.idle - a.idle);

  const supply = reserve + donors.reduce((s, d) => s + d.idle, 0);
  const grants = strategy === 'fair-share' ? fairShare(receivers, supply) : byPriority(receivers, supply);

  // Draw what the grants need from the reserve first, then from the idle pools; return the rest.
  const moves: Move[] = [];
  const sources: { from: string | null; left: number }[] = [
    { from: null, left: Math.max(0, reserve) },
    ...donors.map((d) => ({ from: d.p.departmentId, left: d.idle })),
  ];
  for (const [to, amount] of grants) {
    let owed = amount;
    for (const s of sources) {
      const take = Math.min(owed, s.left);
      if (take <= 0) continue;
      s.left -= take;
      owed -= take;
      moves.push({ type: pools[0]?.type ?? '', from: s.from, to, amount: take });
      if (!owed) break;
    }
  }
  for (const s of sources.slice(1)) if (s.left > 0) moves.push({ type: pools[0]?.type ?? '', from: s.from, to: null, amount: s.left });

  const delta = new Map<string, number>();
  for (const m of moves) {
    if (m.from) delta.set(m.from, (delta.get(m.from) ?? 0) - m.amount);
    if (m.to) delta.set(m.to, (delta.get(m.to) ?? 0) + m.amount);
  }
  const resizes: Resize[] = [];
  for (const p of pools) {
    const d = delta.get(p.departmentId) ?? 0;
    if (!d) continue;
    const w = wants.get(p.departmentId);
    const parts = moves
      .filter((m) => (d > 0 ? m.to === p.departmentId : m.from === p.departmentId))
      .map((m) => (d > 0 ? `${m.amount} from ${m.from ?? 'the reserve'}` : `${m.amount} to ${m.to ?? 'the reserve'}`));
    const reason =
      d > 0
        ? `rebalance (${strategy}): +${d} for ${w?.tasks ?? 0} queued tasks waiting for ${Math.ceil(w?.amount ?? 0)} (${parts.join(', ')})`
        : `rebalance (${strategy}): ${-d} idle borrowed units given up at ${Math.round(util(p) * 100)}% use (${parts.join(', ')})`;
    resizes.push({ kind: 'resize', departmentId: p.departmentId, type: p.type, before: p.capacity, after: p.capacity + d, reason });
  }
  return { moves, resizes };
}

type Receiver = { p: PoolState; d?: Demand; need: number };

/** Most urgent queue first (then the biggest need): critical work is served before low. */
function byPriority(receivers: Receiver[], supply: number): Map<string, number> {
  const out = new Map<string, number>();
  for (const r of [...receivers].sort((a, b) => (a.d?.bestRank ?? 3) - (b.d?.bestRank ?? 3) || b.need - a.need)) {
    const give = Math.min(r.need, supply);
    if (give <= 0) break;
    out.set(r.p.departmentId, give);
    supply -= give;
  }
  return out;
}

/** Equal shares, each capped by its need, repeated until supply or need runs out. */
function fairShare(receivers: Receiver[], supply: number): Map<string, number> {
  const out = new Map<string, number>();
  let open = receivers.map((r) => ({ id: r.p.departmentId, need: r.need })).sort((a, b) => (a.id < b.id ? -1 : 1));
  while (supply > 0 && open.length) {
    const share = Math.max(1, Math.floor(supply / open.length));
    for (const r of open) {
      const give = Math.min(share, r.need, supply);
      if (give <= 0) continue;
      out.set(r.id, (out.get(r.id) ?? 0) + give);
      r.need -= give;
      supply -= give;
    }
    open = open.filter((r) => r.need > 0);
  }
  return out;
}

/** One rebalancing pass: per kind, under its row lock, from fresh pool rows and queued demand. */
export async function runRebalance(db: Db, strategy: Strategy): Promise<Resize[]> {
  const demand = await pendingDemand(db);
  const done: Resize[] = [];
  for (const { type } of await allKinds(db)) {
    const applied = await db
      .transaction(async (tx) => {
        const kind = await lockKind(tx, type);
        const pools = await poolsOfType(tx, type);
        const reserve = kind.total - pools.reduce((s, p) => s + p.capacity, 0);
        const { resizes } = decideRebalance(
          pools,
          demand.filter((d) => d.type === type),
          reserve,
          strategy,
        );
        const out: Resize[] = [];
        // Shrinks first, so the reserve holds the units before anyone grows with them.
        for (const r of [...resizes].sort((a, b) => a.after - a.before - (b.after - b.before))) {
          if (await setCapacity(tx, r.departmentId, r.type, r.before, r.after, r.reason)) out.push(r);
          else if (r.after < r.before) throw new RebalanceRace();
        }
        return out;
      })
      .catch((err) => {
        // A donor's units were granted meanwhile: skip this kind, the next pass decides again.
        if (err instanceof RebalanceRace) return [];
        throw err;
      });
    done.push(...applied);
  }
  publishResizes(done);
  return done;
}

class RebalanceRace extends Error {}
