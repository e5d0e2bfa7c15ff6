'use client';

import { useCallback, useEffect, useState } from 'react';
import { colorAt, tone, TimeSeriesChart, type Point, type SeriesSpec } from '@/components/charts/time-series-chart';

const ranges = [
  { id: '15m', label: '15 min' },
  { id: '1h', label: '1 hour' },
  { id: '24h', label: '24 hours' },
  { id: '7d', label: '7 days' },
] as const;
type Range = (typeof ranges)[number]['id'];

type History = { series: Record<string, Point[]> };

async function fetchHistory(range: Range, names: string[], departmentId: string | null, by?: 'department'): Promise<History> {
  const qs = new URLSearchParams({ range, name: names.join(',') });
  if (departmentId) qs.set('departmentId', departmentId);
  if (by) qs.set('by', by);
  const res = await fetch(`/api/v1/metrics/history?${qs}`, { cache: 'no-store' });
  if (!res.ok) throw new Error(`history ${res.status}`);
  return res.json();
}

const spec = (h: History | undefined, defs: ([string, string] | [string, string, string])[], scale = 1): SeriesSpec[] =>
  defs.map(([key, label, color], i) => ({
    key,
    label,
    color: color ?? colorAt(i),
    points: (h?.series[key] ?? []).map((p) => ({ t: p.t, v: Math.round(p.v * scale * 100) / 100 })),
  }));

/**
 * Charts over a selectable range, all from stored per-minute history (the minute in progress
 * comes from memory). Short ranges refresh every 15 s so they move; long ones every minute.
 */
export function ChartsPanel({ departmentId, departments }: { departmentId: string | null; departments: { id: string; name: string }[] }) {
  const [range, setRange] = useState<Range>('1h');
  const [main, setMain] = useState<History>();
  const [perDept, setPerDept] = useState<History>();
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
        'resource_use',
      ];
      const [m, d] = await Promise.all([
        fetchHistory(range, names, departmentId),
        departmentId ? Promise.resolve(undefined) : fetchHistory(range, ['resource_use'], null, 'department'),
      ]);
      setMain(m);
      setPerDept(d);
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
              onClick={() => setRange(r.id)}
              className={`px-3 py-1 text-sm ${range === r.id ? 'bg-indigo-600 text-white' : 'hover:bg-slate-100 dark:hover:bg-slate-800'}`}
            >
              {r.label}
            </button>
          ))}
        </div>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <TimeSeriesChart
          testId="chart-throughput"
          title="Throughput"
          unit="tasks per minute"
          series={spec(main, [
            ['tasks_created', 'created', tone.neutral],
            ['tasks_completed', 'completed', tone.good],
          ])}
        />
        <TimeSeriesChart
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
          testId="chart-queue"
          title="Queue and agents"
          series={spec(main, [
            ['queue_depth', 'queue'],
            ['agents_busy', 'busy agents'],
            ['agents_idle', 'idle agents'],
          ])}
        />
        <TimeSeriesChart
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
