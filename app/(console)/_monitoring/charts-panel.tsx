'use client';

import { useSearchParams } from 'next/navigation';
import { useCallback, useEffect, useState } from 'react';
import { type ChartState, colorAt, tone, TimeSeriesChart, type Point, type SeriesSpec } from '@/components/charts/time-series-chart';
import { seriesKinds, type SeriesName } from '@/lib/metrics/names';

const ranges = [
  { id: '15m', label: '15 min', ms: 15 * 60_000 },
  { id: '1h', label: '1 hour', ms: 3_600_000 },
  { id: '24h', label: '24 hours', ms: 24 * 3_600_000 },
  { id: '7d', label: '7 days', ms: 7 * 24 * 3_600_000 },
] as const;
type Range = (typeof ranges)[number]['id'];
const DEFAULT_RANGE: Range = '1h';
const rangeOf = (v: string | null): Range => ranges.find((r) => r.id === v)?.id ?? DEFAULT_RANGE;

type History = { series: Record<string, Point[]>; openFrom: number | null };
/** One load: the range it answers for and when it was asked, so the axis spans what was asked. */
type Loaded = { range: Range; main: History; perDept?: History; at: number };

async function fetchHistory(range: Range, names: string[], departmentId: string | null, by?: 'department'): Promise<History> {
  const qs = new URLSearchParams({ range, name: names.join(',') });
  if (departmentId) qs.set('departmentId', departmentId);
  if (by) qs.set('by', by);
  const res = await fetch(`/api/v1/metrics/history?${qs}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`history ${res.status}`);
  return res.json();
}

/**
 * A count's minute in progress is partial: drawn as one more point it reads as a drop at the right
 * edge. It goes to `open`, joined to the last full minute, which the chart draws faint and shaded.
 */
function split(h: History | undefined, name: string, points: Point[]): Pick<SeriesSpec, 'points' | 'open'> {
  const from = h?.openFrom;
  if (from == null || seriesKinds[name.split(':')[0] as SeriesName] !== 'count') return { points };
  const settled = points.filter((p) => p.t < from);
  const current = points.filter((p) => p.t >= from);
  return { points: settled, open: current.length ? [...settled.slice(-1), ...current] : undefined };
}

const spec = (
  h: History | undefined,
  defs: ([string, string] | [string, string, string] | [string, string, string, 'dashed'])[],
  scale = 1,
): SeriesSpec[] =>
  defs.map(([key, label, color, dashed], i) => {
    const scaled = (h?.series[key] ?? []).map((p) => ({ t: p.t, v: Math.round(p.v * scale * 100) / 100 }));
    return { key, label, color: color ?? colorAt(i), dashed: dashed === 'dashed', ...split(h, key, scaled) };
  });

const OPEN_MINUTE_NOTE = 'The shaded minute is still in progress: its dashed counts are partial.';

/**
 * Charts over a selectable range, all from stored per-minute history (the minute in progress
 * comes from memory). Short ranges refresh every 15 s so they move; long ones every minute. The
 * range lives in the address (`?range=`), so a reload or Back shows the same one.
 */
export function ChartsPanel({ departmentId, departments }: { departmentId: string | null; departments: { id: string; name: string }[] }) {
  const params = useSearchParams();
  const [asked, setAsked] = useState(() => params.get('range'));
  useEffect(() => setAsked(params.get('range')), [params]);
  // Back and Forward: read the address itself, whether or not the router re-renders for an entry
  // it didn't make (one pushed before a reload).
  useEffect(() => {
    const onPop = () => setAsked(new URLSearchParams(window.location.search).get('range'));
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  const range = rangeOf(asked);
  const [loaded, setLoaded] = useState<Loaded>();
  const [error, setError] = useState<string>();

  const load = useCallback(async () => {
    try {
      const names = [
        'tasks_created',
        'tasks_completed',
        'tasks_failed',
        'tasks_dead',
        'assign_latency_p50',
        'assign_latency_p95',
        'assign_latency_p99',
        'queue_depth',
        'agents_idle',
        'agents_busy',
        'agents_offline',
        'resource_use',
      ];
      const at = Date.now();
      const [main, perDept] = await Promise.all([
        fetchHistory(range, names, departmentId),
        departmentId ? Promise.resolve(undefined) : fetchHistory(range, ['resource_use'], null, 'department'),
      ]);
      setLoaded({ range, main, perDept, at });
      setError(undefined);
    } catch (err) {
      setError((err as Error).message);
    }
  }, [range, departmentId]);

  useEffect(() => {
    void load();
    const every = range === '15m' || range === '1h' ? 15_000 : 60_000;
    const timer = setInterval(() => void load(), every);
    return () => clearInterval(timer);
  }, [load, range]);

  // A pushed entry, not a replaced one: Back returns to the range seen before.
  const choose = (r: Range) => {
    if (r === range) return;
    const next = new URLSearchParams(window.location.search);
    if (r === DEFAULT_RANGE) next.delete('range');
    else next.set('range', r);
    const qs = next.toString();
    window.history.pushState(null, '', `${window.location.pathname}${qs ? `?${qs}` : ''}${window.location.hash}`);
    setAsked(r === DEFAULT_RANGE ? null : r);
  };

  // Until this range's history arrives the charts say so, rather than "no samples" or the last range's lines.
  const current = loaded?.range === range ? loaded : undefined;
  const state: ChartState = current ? 'ready' : error ? 'error' : 'loading';
  const main = current?.main;
  const perDept = current?.perDept;
  const span = ranges.find((r) => r.id === range)?.ms ?? 3_600_000;
  const extent = current ? { from: current.at - span, to: current.at } : undefined;
  const common = { state, extent };
  const note = main?.openFrom != null ? OPEN_MINUTE_NOTE : undefined;

  const names = new Map(departments.map((d) => [d.id, d.name]));
  const resourceSeries: SeriesSpec[] = departmentId
    ? spec(main, [['resource_use', 'use']], 100)
    : Object.entries(perDept?.series ?? {}).map(([key, points], i) => {
        const id = key.split(':')[1];
        return {
          key: id,
          label: names.get(id) ?? id,
          color: colorAt(i),
          points: points.map((p) => ({ t: p.t, v: Math.round(p.v * 10000) / 100 })),
        };
      });

  return (
    <section className="space-y-3" aria-label="Charts">
      <div className="flex flex-wrap items-center gap-2">
        <h2 className="mr-auto font-semibold">Trends</h2>
        {error && <span className="text-sm text-red-600">Could not load history ({error})</span>}
        <div
          role="group"
          aria-label="Range"
          className="inline-flex overflow-hidden rounded-md border border-slate-300 dark:border-slate-700"
        >
          {ranges.map((r) => (
            <button
              key={r.id}
              type="button"
              aria-pressed={range === r.id}
              onClick={() => choose(r.id)}
              className={`px-3 py-1 text-sm ${range === r.id ? 'bg-indigo-600 text-white' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <TimeSeriesChart
          {...common}
          note={note}
          testId="chart-throughput"
          title="Throughput"
          unit="tasks per minute"
          series={spec(main, [
            ['tasks_created', 'created', tone.neutral],
            ['tasks_completed', 'completed', tone.good],
          ])}
        />
        <TimeSeriesChart
          {...common}
          testId="chart-latency"
          title="Assignment latency"
          unit="ms"
          series={spec(main, [
            ['assign_latency_p50', 'p50', tone.good],
            ['assign_latency_p95', 'p95', tone.warn],
            ['assign_latency_p99', 'p99', tone.bad],
          ])}
        />
        <TimeSeriesChart
          {...common}
          note={note}
          testId="chart-outcomes"
          title="Completions vs failures"
          unit="per minute"
          series={spec(main, [
            ['tasks_completed', 'completed', tone.good],
            ['tasks_failed', 'failed', tone.bad],
            ['tasks_dead', 'dead', tone.worse],
          ])}
        />
        <TimeSeriesChart
          {...common}
          testId="chart-queue"
          title="Queue and agents"
          series={spec(main, [
            ['queue_depth', 'queue', tone.neutral],
            ['agents_busy', 'busy agents', tone.busy],
            ['agents_idle', 'idle agents', tone.idle],
            ['agents_offline', 'offline agents', tone.offline, 'dashed'],
          ])}
        />
        <TimeSeriesChart
          {...common}
          testId="chart-resources"
          wide
          title={departmentId ? 'Resource use' : 'Resource use per department'}
          unit="% of capacity"
          series={resourceSeries}
        />
      </div>
    </section>
  );
}
