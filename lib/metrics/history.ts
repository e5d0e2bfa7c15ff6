import { z } from 'zod';
import type { Db } from '@/db/client';
import { bucketedSamples } from '@/db/queries/metrics';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { departmentIdSchema } from '../org/department-id';
import { badRequest } from '../errors';
import { MINUTE } from './rollup';
import { knownDepartments, liveMinuteValue } from './live-minute';
import { seriesKinds, seriesNames, type SeriesName } from './names';

export const ranges = {
  '15m': { ms: 15 * MINUTE, bucketSec: 60 },
  '1h': { ms: 60 * MINUTE, bucketSec: 60 },
  '24h': { ms: 24 * 60 * MINUTE, bucketSec: 15 * 60 },
  '7d': { ms: 7 * 24 * 60 * MINUTE, bucketSec: 2 * 3600 },
} as const;
export type Range = keyof typeof ranges;

export const historyQuerySchema = z.object({
  range: z.enum(Object.keys(ranges) as [Range, ...Range[]]).default('1h'),
  name: z
    .string()
    .max(1000)
    .transform((s) =>
      s
        .split(',')
        .map((x) => x.trim())
        .filter(Boolean),
    )
    .pipe(
      z
        .array(z.enum(seriesNames as [SeriesName, ...SeriesName[]]))
        .min(1)
        .max(20),
    ),
  departmentId: departmentIdSchema.optional(),
  /** 'department': one series per department, keyed `name:departmentId` (e.g. resource use per department). */
  by: z.enum(['department']).optional(),
});
export type HistoryQuery = z.output<typeof historyQuerySchema>;

export type HistoryPoint = { t: number; v: number };
export type History = {
  range: Range;
  bucketSeconds: number;
  departmentId: string | null;
  series: Record<string, HistoryPoint[]>;
  /**
   * Where the minute still in progress starts (epoch ms), when the series end with it: its counts
   * are partial, so a chart leaves them out or marks them rather than draw a dip. null for wide
   * buckets, whose counts are rates over the minutes already stored.
   */
  openFrom: number | null;
};

/**
 * Stored per-minute samples over a range, one point per bucket. Counts come back as a per-minute
 * rate (bucket sum / minutes sampled) so a 2-hour bucket and a 1-minute bucket read alike.
 * Callers confined to some departments get their departments' sum, never the system total.
 * Minute-resolution ranges end with the minute in progress, from memory (`openFrom` marks it; it
 * is replaced by its stored sample once rolled up).
 */
export async function getHistory(db: Db, principal: Principal, q: HistoryQuery, now = Date.now()): Promise<History> {
  if (q.departmentId) authorize(principal, 'metrics:read', { departmentId: q.departmentId, what: 'Department' });
  else authorize(principal, 'metrics:read');
  const scope = departmentFilter(principal);
  const departmentIds = q.departmentId ? [q.departmentId] : scope;
  if (departmentIds && departmentIds.length === 0) throw badRequest('No departments in scope');
  const r = ranges[q.range];
  const sumNames = q.name.filter((n) => seriesKinds[n] !== 'ratio');
  const rows = await bucketedSamples(db, {
    names: q.name,
    from: new Date(now - r.ms),
    to: new Date(now),
    bucketSec: r.bucketSec,
    departmentIds,
    sumNames,
    byDepartment: q.by === 'department',
  });
  const series: Record<string, HistoryPoint[]> = q.by === 'department' ? {} : Object.fromEntries(q.name.map((n) => [n, []]));
  for (const row of rows) {
    const kind = seriesKinds[row.name as SeriesName];
    const v = kind === 'count' ? row.total / Math.max(1, row.n) : row.mean;
    const key = q.by === 'department' ? `${row.name}:${row.dept}` : row.name;
    (series[key] ??= []).push({ t: row.t * 1000, v: Math.round(v * 1000) / 1000 });
  }
  const start = Math.floor(now / MINUTE) * MINUTE;
  if (r.bucketSec === 60) {
    const scopes: [string, string[] | null][] =
      q.by === 'department'
        ? knownDepartments()
            .filter((d) => !departmentIds || departmentIds.includes(d))
            .map((d) => [`:${d}`, [d]])
        : [['', departmentIds]];
    for (const n of q.name)
      for (const [suffix, ids] of scopes) {
        const v = liveMinuteValue(n, ids, now);
        const pts = (series[n + suffix] ??= []);
        if (v !== null && (pts.length === 0 || pts[pts.length - 1].t < start)) pts.push({ t: start, v: Math.round(v * 1000) / 1000 });
      }
  }
  return {
    range: q.range,
    bucketSeconds: r.bucketSec,
    departmentId: q.departmentId ?? null,
    series,
    openFrom: r.bucketSec === 60 ? start : null,
  };
}
