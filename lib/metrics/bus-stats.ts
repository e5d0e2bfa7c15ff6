/**
 * Bus counters, in memory and on globalThis (Next's bundle and the custom server load lib/ twice).
 * The metrics layer reads busStats(); nothing here depends on prom-client.
 */
export const LATENCY_BUCKETS_MS = [0.5, 1, 2, 5, 10, 20, 50, 100, 250, 500, 1000, 2500, 5000];
const SERIES_SECONDS = 120;
const RESERVOIR = 4096;

export type MessageKind = 'direct' | 'department' | 'topic' | 'broadcast';

type Counters = {
  messages: Record<MessageKind, number>;
  deliveries: number;
  acked: number;
  retries: number;
  buffered: number;
  bufferedDelivered: number;
  overflowDropped: number;
  expiredDropped: number;
  lostDropped: number;
  restSends: number;
  socketSends: number;
  rejected: number;
};

type Live = {
  connections: () => number;
  topics: () => { name: string; subscribers: number }[];
  bufferDepth: () => number;
  redis: () => 'off' | 'up' | 'down';
};

type State = {
  c: Counters;
  buckets: number[];
  latencySum: number;
  latencyCount: number;
  recent: Float64Array;
  recentN: number;
  series: Map<number, { messages: number; deliveries: number }>;
  live?: Live;
  startedAt: number;
};

function state(): State {
  const g = globalThis as { __ecsBusStats?: State };
  return (g.__ecsBusStats ??= fresh());
}

function fresh(): State {
  return {
    c: {
      messages: { direct: 0, department: 0, topic: 0, broadcast: 0 },
      deliveries: 0,
      acked: 0,
      retries: 0,
      buffered: 0,
      bufferedDelivered: 0,
      overflowDropped: 0,
      expiredDropped: 0,
      lostDropped: 0,
      restSends: 0,
      socketSends: 0,
      rejected: 0,
    },
    buckets: new Array(LATENCY_BUCKETS_MS.length + 1).fill(0),
    latencySum: 0,
    latencyCount: 0,
    recent: new Float64Array(RESERVOIR),
    recentN: 0,
    series: new Map(),
    startedAt: Date.now(),
  };
}

function second(now: number) {
  const s = Math.floor(now / 1000);
  const m = state().series;
  let slot = m.get(s);
  if (!slot) {
    m.set(s, (slot = { messages: 0, deliveries: 0 }));
    for (const k of m.keys()) if (k < s - SERIES_SECONDS) m.delete(k);
  }
  return slot;
}

export const count = {
  message(kind: MessageKind, door: 'rest' | 'socket', now = Date.now()) {
    const s = state();
    s.c.messages[kind]++;
    if (door === 'rest') s.c.restSends++;
    else s.c.socketSends++;
    second(now).messages++;
  },
  deliveries(n: number, now = Date.now()) {
    if (n <= 0) return;
    state().c.deliveries += n;
    second(now).deliveries += n;
  },
  acked(latencyMs: number) {
    const s = state();
    s.c.acked++;
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && latencyMs > LATENCY_BUCKETS_MS[i]) i++;
    s.buckets[i]++;
    s.latencySum += latencyMs;
    s.latencyCount++;
    s.recent[s.recentN++ % RESERVOIR] = latencyMs;
  },
  retry: () => void state().c.retries++,
  buffered: (n = 1) => void (state().c.buffered += n),
  bufferedDelivered: (n = 1) => void (state().c.bufferedDelivered += n),
  overflow: (n: number) => void (state().c.overflowDropped += n),
  expired: (n: number) => void (state().c.expiredDropped += n),
  /** The buffer itself failed (Redis unreachable). */
  lost: (n: number) => void (state().c.lostDropped += n),
  rejected: () => void state().c.rejected++,
};

/** The delivery layer tells the stats where to read live gauges (connections, topics, buffer depth). */
export function setLiveGauges(live: Live): void {
  state().live = live;
}

function percentile(sorted: number[], p: number): number | null {
  if (!sorted.length) return null;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/**
 * The recent acknowledged latencies (the same sample p50/p99 come from) counted per bucket of
 * LATENCY_BUCKETS_MS, the last slot above the highest bound: what several processes can add up.
 */
export function recentLatencyCounts(): number[] {
  const s = state();
  const out = new Array(LATENCY_BUCKETS_MS.length + 1).fill(0);
  for (const v of s.recent.subarray(0, Math.min(s.recentN, RESERVOIR))) {
    let i = 0;
    while (i < LATENCY_BUCKETS_MS.length && v > LATENCY_BUCKETS_MS[i]) i++;
    out[i]++;
  }
  return out;
}

export type BusStats = ReturnType<typeof busStats>;

/** A snapshot: totals, rates over the last 10 s, latency (acknowledged deliveries), gauges and a per-second series. */
export function busStats(now = Date.now()) {
  const s = state();
  const nowSec = Math.floor(now / 1000);
  const series: { t: number; messages: number; deliveries: number }[] = [];
  for (let t = nowSec - 60; t < nowSec; t++) {
    const slot = s.series.get(t);
    series.push({ t: t * 1000, messages: slot?.messages ?? 0, deliveries: slot?.deliveries ?? 0 });
  }
  const last10 = series.slice(-10);
  const window = Math.min(10, Math.max(1, Math.floor((now - s.startedAt) / 1000)));
  const recent = Array.from(s.recent.subarray(0, Math.min(s.recentN, RESERVOIR))).sort((a, b) => a - b);
  const messagesTotal = Object.values(s.c.messages).reduce((a, b) => a + b, 0);
  return {
    totals: { ...s.c, messages: { ...s.c.messages }, messagesTotal },
    rates: {
      messagesPerSecond: last10.reduce((a, x) => a + x.messages, 0) / window,
      deliveriesPerSecond: last10.reduce((a, x) => a + x.deliveries, 0) / window,
    },
    latencyMs: {
      p50: percentile(recent, 50),
      p99: percentile(recent, 99),
      count: s.latencyCount,
      sum: s.latencySum,
      buckets: LATENCY_BUCKETS_MS.map((le, i) => ({ le, count: s.buckets.slice(0, i + 1).reduce((a, b) => a + b, 0) })),
    },
    connections: s.live?.connections() ?? 0,
    bufferDepth: s.live?.bufferDepth() ?? 0,
    drops: { overflow: s.c.overflowDropped, expired: s.c.expiredDropped, lost: s.c.lostDropped },
    topics: s.live?.topics() ?? [],
    redis: s.live?.redis() ?? 'off',
    series,
  };
}

/** Tests start from zero. */
export function resetBusStats(): void {
  const live = state().live;
  (globalThis as { __ecsBusStats?: State }).__ecsBusStats = { ...fresh(), live };
}
