import { metrics } from './registry';

export type WorkerPoolView = {
  /** False before the first task (threads start with work) or where no pool runs. */
  running: boolean;
  threads: number;
  maxThreads: number;
  busy: number;
  queued: number;
  /** Share of the pool's capacity used since it started (0–1). */
  utilization: number;
  /** Per kind of task since start: how many, mean time and the 95th percentile (a bucket's upper bound). */
  tasks: { kind: string; count: number; meanMs: number; p95Ms: number | null }[];
};

/** This process's worker pool, as the Overview shows it: the same figures /metrics has. */
export async function workerPoolView(): Promise<WorkerPoolView> {
  const m = metrics();
  const s = m.workerPool.read?.();
  const { values } = await m.workerTaskTime.get();
  const kinds = new Map<string, { count: number; sum: number; buckets: { le: number; n: number }[] }>();
  const of = (kind: string) => {
    let k = kinds.get(kind);
    if (!k) kinds.set(kind, (k = { count: 0, sum: 0, buckets: [] }));
    return k;
  };
  for (const v of values) {
    const kind = String(v.labels.kind ?? '');
    if (!kind) continue;
    const name = (v as { metricName?: string }).metricName ?? '';
    if (name.endsWith('_count')) of(kind).count = v.value;
    else if (name.endsWith('_sum')) of(kind).sum = v.value;
    else if (name.endsWith('_bucket')) of(kind).buckets.push({ le: Number((v.labels as Record<string, unknown>).le), n: v.value });
  }
  const tasks = [...kinds]
    .filter(([, k]) => k.count > 0)
    .map(([kind, k]) => {
      // Buckets are cumulative: the first whose count reaches 95 % of all holds the 95th percentile.
      const le = k.buckets.sort((a, b) => a.le - b.le).find((b) => b.n >= 0.95 * k.count)?.le;
      return {
        kind,
        count: k.count,
        meanMs: (k.sum / k.count) * 1000,
        p95Ms: le === undefined || !Number.isFinite(le) ? null : le * 1000,
      };
    })
    .sort((a, b) => a.kind.localeCompare(b.kind));
  return {
    running: !!s,
    threads: s?.threads ?? 0,
    maxThreads: s?.maxThreads ?? 0,
    busy: s?.busy ?? 0,
    queued: s?.queued ?? 0,
    utilization: s?.utilization ?? 0,
    tasks,
  };
}
