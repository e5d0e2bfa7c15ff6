'use client';

import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { percent } from '@/components/format';
import { formatFull, formatTick } from '@/lib/format/time';

const colours = ['#6366f1', '#10b981', '#f59e0b', '#ef4444', '#06b6d4', '#8b5cf6', '#84cc16', '#ec4899', '#64748b', '#14b8a6'];

/** Mean utilisation per kind over time, from the sampled metric rows. */
export function HistoryChart({ points, kinds }: { points: ({ minute: string } & Record<string, number | string>)[]; kinds: string[] }) {
  const span = points.length > 1 ? Date.parse(points[points.length - 1].minute) - Date.parse(points[0].minute) : 0;
  return (
    <div className="h-72" role="img" aria-label="Utilisation history per resource kind">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 8, right: 16, bottom: 8, left: 0 }}>
          <CartesianGrid strokeDasharray="3 3" strokeOpacity={0.3} />
          <XAxis dataKey="minute" tickFormatter={(m: string) => formatTick(m, span)} fontSize={12} />
          <YAxis domain={[0, 1]} tickFormatter={(v: number) => `${Math.round(v * 100)}%`} fontSize={12} />
          <Tooltip formatter={(v) => percent(Number(v))} labelFormatter={(m) => formatFull(String(m))} />
          <Legend />
          {kinds.map((k, i) => (
            <Line key={k} type="monotone" dataKey={k} stroke={colours[i % colours.length]} dot={false} isAnimationActive={false} />
          ))}
        </LineChart>
      </ResponsiveContainer>
    </div>
  );
}
