'use client';

import { useEffect, useState } from 'react';
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ClusterBusStats as BusStats } from '@/lib/cluster/bus-totals';
import { DataTable } from '@/components/data-table';
import { StatTile } from '@/components/stat-tile';
import { formatFull, formatTick } from '@/lib/format/time';

type Point = { t: number; p50: number | null; p99: number | null };
const POLL_MS = 2000;
const fmt = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n > 0 && n < 10 ? n.toFixed(1) : String(Math.round(n)));
// The live charts cover a minute or two: HH:mm:ss ticks, the full time in tooltips.
const time = (t: number) => formatTick(t, 60_000);

/** Polls GET /api/v1/bus/stats every 2 s (the cluster's figures): throughput per second from the server's series, latency kept here. */
export function BusLive({ initial }: { initial: BusStats }) {
  const [stats, setStats] = useState(initial);
  const [latency, setLatency] = useState<Point[]>([{ t: Date.now(), p50: initial.latencyMs.p50, p99: initial.latencyMs.p99 }]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stop = false;
    const tick = async () => {
      try {
        const res = await fetch('/api/v1/bus/stats', { cache: 'no-store' });
        if (!res.ok) throw new Error(`HTTP ${res.status}`);
        const s = (await res.json()) as BusStats;
        if (stop) return;
        setStats(s);
        setLatency((xs) => [...xs.slice(-89), { t: Date.now(), p50: s.latencyMs.p50, p99: s.latencyMs.p99 }]);
        setError(null);
      } catch (e) {
        if (!stop) setError((e as Error).message);
      }
    };
    const id = setInterval(tick, POLL_MS);
    return () => {
      stop = true;
      clearInterval(id);
    };
  }, []);

  const drops = stats.drops.overflow + stats.drops.expired + stats.drops.lost;
  return (
    <div className="space-y-4">
      {error && (
        <p role="alert" className="text-sm text-red-600">
          Live update failed ({error}); showing the last values.
        </p>
      )}
      <div className="grid grid-cols-2 gap-3 md:grid-cols-6">
        <StatTile label="Messages/s" value={fmt(stats.rates.messagesPerSecond)} hint="last 10 s" testId="bus-messages-rate" />
        <StatTile label="Deliveries/s" value={fmt(stats.rates.deliveriesPerSecond)} hint="last 10 s" />
        <StatTile
          label="Latency p50 / p99"
          value={stats.latencyMs.p50 === null ? '–' : `${stats.latencyMs.p50.toFixed(1)} / ${stats.latencyMs.p99!.toFixed(1)} ms`}
          hint="send → acknowledged"
        />
        <StatTile
          label="Connections"
          value={stats.connections}
          hint={`agents on ${stats.processes.length} server process${stats.processes.length === 1 ? '' : 'es'} · Redis ${stats.redis}`}
          testId="bus-connections"
        />
        <StatTile label="Buffered" value={stats.bufferDepth} hint="for briefly offline agents" />
        <StatTile
          label="Dropped"
          value={drops}
          hint={`${stats.drops.overflow} overflow · ${stats.drops.expired} expired · ${stats.drops.lost} lost`}
        />
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="card">
          <h2 className="mb-2 text-sm font-semibold">Throughput (per second, last minute)</h2>
          <div className="h-64">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={stats.series}>
                <CartesianGrid strokeDasharray="3 3" className="stroke-slate-200 dark:stroke-slate-700" />
                <XAxis dataKey="t" tickFormatter={time} minTickGap={40} fontSize={12} />
                <YAxis fontSize={12} tickFormatter={fmt} allowDecimals={false} />
                <Tooltip labelFormatter={(t) => formatFull(Number(t))} />
                <Legend />
                <Line type="monotone" dataKey="messages" stroke="#6366f1" dot={false} isAnimationActive={false} />
                <Line type="monotone" dataKey="deliveries" stroke="#10b981" dot={false} isAnimationActive={false} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </div>
        <div className="card">
          <h2 className="mb-2 text-sm font-semibold">Delivery latency (ms, since this page opened)</h2>
          <div className="h-64">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={latency}>
                <CartesianGrid strokeDasharray="3 3" className="stroke-slate-200 dark:stroke-slate-700" />
                <XAxis dataKey="t" tickFormatter={time} minTickGap={40} fontSize={12} />
                <YAxis fontSize={12} />
                <Tooltip labelFormatter={(t) => formatFull(Number(t))} />
                <Legend />
                <Line type="monotone" dataKey="p50" stroke="#6366f1" dot={false} isAnimationActive={false} connectNulls />
                <Line type="monotone" dataKey="p99" stroke="#f59e0b" dot={false} isAnimationActive={false} connectNulls />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </div>
      </div>
      <div className="grid gap-4 lg:grid-cols-2">
        <div className="card">
          <h2 className="mb-2 text-sm font-semibold">Topics</h2>
          {stats.topics.length === 0 ? (
            <p className="text-sm text-slate-500 dark:text-slate-400">No connected agent subscribes to a topic.</p>
          ) : (
            <DataTable
              rows={stats.topics}
              rowKey={(t) => t.name}
              columns={[
                { header: 'Topic', className: 'font-mono text-sm', cell: (t) => t.name },
                {
                  header: 'Subscribers',
                  headerClassName: 'text-right',
                  className: 'text-right',
                  numeric: true,
                  cell: (t) => t.subscribers,
                },
              ]}
            />
          )}
        </div>
        <div className="card">
          <h2 className="mb-2 text-sm font-semibold">Totals since start</h2>
          <dl className="grid grid-cols-2 gap-x-4 gap-y-1 text-sm">
            {(
              [
                ['Direct', stats.totals.messages.direct],
                ['Department', stats.totals.messages.department],
                ['Topic', stats.totals.messages.topic],
                ['Broadcast', stats.totals.messages.broadcast],
                ['Deliveries', stats.totals.deliveries],
                ['Acknowledged', stats.totals.acked],
                ['Retries', stats.totals.retries],
                ['Buffered / replayed', `${stats.totals.buffered} / ${stats.totals.bufferedDelivered}`],
                ['REST / socket sends', `${stats.totals.restSends} / ${stats.totals.socketSends}`],
              ] as const
            ).map(([k, v]) => (
              <div key={k} className="contents">
                <dt className="text-slate-500 dark:text-slate-400">{k}</dt>
                <dd className="text-right tabular-nums">{v}</dd>
              </div>
            ))}
          </dl>
        </div>
      </div>
    </div>
  );
}
