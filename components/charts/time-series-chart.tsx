'use client';

import { CartesianGrid, Legend, Line, LineChart, ReferenceArea, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { formatFull, formatTick } from '@/lib/format/time';

export type Point = { t: number; v: number };
export type SeriesSpec = {
  key: string;
  label: string;
  color: string;
  points: Point[];
  dashed?: boolean;
  /** Points of a count still counting (the minute in progress), drawn apart from `points`: faint, dashed, shaded. */
  open?: Point[];
};
const OPEN = '~open';
/** What the chart has to draw: history still on its way, history that failed to come, or the series. */
export type ChartState = 'loading' | 'error' | 'ready';

/** Colours that mean something: good is green, bad is red, whatever the series order. */
export const tone = {
  good: '#10b981',
  bad: '#ef4444',
  worse: '#7f1d1d',
  neutral: '#6366f1',
  warn: '#f59e0b',
  /** Agent states: idle is not a fault (grey), busy is work (blue), offline a warning (amber, dashed). */
  idle: '#94a3b8',
  busy: '#0284c7',
  offline: '#d97706',
};

const palette = ['#6366f1', '#10b981', '#ef4444', '#f59e0b', '#0ea5e9', '#a855f7', '#14b8a6', '#f43f5e', '#84cc16', '#64748b'];
export const colorAt = (i: number) => palette[i % palette.length];

/** Merges series on their timestamps into Recharts rows: { t, [key]: v }. */
function rows(series: SeriesSpec[]) {
  const byT = new Map<number, Record<string, number>>();
  const put = (key: string, p: Point) => byT.set(p.t, { ...(byT.get(p.t) ?? { t: p.t }), [key]: p.v });
  for (const s of series) {
    for (const p of s.points) put(s.key, p);
    for (const p of s.open ?? []) put(s.key + OPEN, p);
  }
  return [...byT.values()].sort((a, b) => a.t - b.t);
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const STEPS = [1, 2, 5, 10, 15, 30].map((m) => m * MIN).concat([1, 2, 3, 4, 6, 12, 24].map((h) => h * HOUR));

/** About `count` ticks on round times across the range, wherever the samples happen to fall. */
function evenTicks(from: number, to: number, count = 6): number[] {
  const span = to - from;
  const step = STEPS.find((s) => span / s <= count) ?? 24 * HOUR * Math.ceil(span / (count * 24 * HOUR));
  const out: number[] = [];
  for (let t = Math.ceil(from / step) * step; t <= to; t += step) out.push(t);
  return out;
}

export function TimeSeriesChart({
  title,
  series,
  unit,
  testId,
  wide,
  state = 'ready',
  extent,
  note,
}: {
  title: string;
  series: SeriesSpec[];
  unit?: string;
  testId: string;
  wide?: boolean;
  state?: ChartState;
  /** The range asked for: the axis spans it (and its ticks carry dates past a day) however few samples there are. */
  extent?: { from: number; to: number };
  /** A line under the chart saying what it leaves out or marks. */
  note?: string;
}) {
  const openFrom = Math.min(...series.flatMap((s) => (s.open ?? []).filter((_, i) => i > 0 || s.points.length === 0).map((p) => p.t)));
  const data = state === 'ready' ? rows(series) : [];
  const span = extent ? extent.to - extent.from : data.length > 1 ? data[data.length - 1].t - data[0].t : 0;
  const fmt = (t: number) => formatTick(t, span);
  const empty = 'flex h-48 items-center justify-center text-sm text-slate-500 dark:text-slate-400';
  return (
    <figure
      className={`card ${wide ? 'lg:col-span-2' : ''}`}
      data-testid={testId}
      data-points={data.length}
      data-state={state}
      aria-busy={state === 'loading'}
    >
      <figcaption className="mb-2 text-sm font-semibold">
        {title}
        {unit && <span className="ml-1 font-normal text-slate-500 dark:text-slate-400">({unit})</span>}
      </figcaption>
      {state === 'loading' ? (
        <p className={empty} role="status">
          Loading history…
        </p>
      ) : state === 'error' ? (
        <p className={empty}>History could not be loaded.</p>
      ) : data.length === 0 ? (
        <p className={empty}>No samples in this range yet: history is written once a minute.</p>
      ) : (
        <div className="h-48">
          <ResponsiveContainer width="100%" height="100%">
            <LineChart data={data} margin={{ top: 4, right: 8, bottom: 0, left: -16 }}>
              <CartesianGrid strokeDasharray="3 3" stroke="currentColor" strokeOpacity={0.1} />
              <XAxis
                dataKey="t"
                type="number"
                scale="time"
                domain={extent ? [extent.from, extent.to] : ['dataMin', 'dataMax']}
                ticks={extent ? evenTicks(extent.from, extent.to) : undefined}
                allowDataOverflow
                tickFormatter={fmt}
                tick={{ fontSize: 11 }}
                minTickGap={24}
              />
              <YAxis tick={{ fontSize: 11 }} allowDecimals />
              <Tooltip labelFormatter={(t) => formatFull(Number(t))} />
              {series.length > 1 && <Legend wrapperStyle={{ fontSize: 12 }} />}
              {Number.isFinite(openFrom) && (
                <ReferenceArea
                  x1={openFrom}
                  x2={extent?.to ?? openFrom}
                  fill="currentColor"
                  fillOpacity={0.06}
                  label={{ value: 'in progress', position: 'insideTopRight', fontSize: 10 }}
                  ifOverflow="extendDomain"
                />
              )}
              {series.map((s) => (
                <Line
                  key={s.key}
                  dataKey={s.key}
                  name={s.label}
                  stroke={s.color}
                  dot={data.length <= 90 ? { r: 2 } : false}
                  strokeWidth={2}
                  strokeDasharray={s.dashed ? '5 4' : undefined}
                  isAnimationActive={false}
                  connectNulls
                />
              ))}
              {series
                .filter((s) => s.open?.length)
                .map((s) => (
                  <Line
                    key={s.key + OPEN}
                    className="open-minute"
                    dataKey={s.key + OPEN}
                    name={`${s.label} (minute in progress)`}
                    legendType="none"
                    stroke={s.color}
                    strokeOpacity={0.55}
                    strokeDasharray="3 3"
                    dot={{ r: 2, fillOpacity: 0.4 }}
                    strokeWidth={2}
                    isAnimationActive={false}
                    connectNulls
                  />
                ))}
            </LineChart>
          </ResponsiveContainer>
        </div>
      )}
      {note && state === 'ready' && data.length > 0 && <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">{note}</p>}
    </figure>
  );
}
