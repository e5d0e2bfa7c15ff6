'use client';

import { StatTile } from '@/components/stat-tile';
import type { MetricsSnapshot } from '@/lib/status/snapshot';
import { useLiveMetrics } from './use-console-socket';
import { percent } from '@/components/format';

const fmtMs = (x: number | null) => (x === null ? '—' : x < 1000 ? `${Math.round(x)} ms` : `${(x / 1000).toFixed(2)} s`);

/** The live tiles: first painted from the server's snapshot, then replaced by each 2 s push. */
export function LiveTiles({ departmentId, initial }: { departmentId: string | null; initial: MetricsSnapshot }) {
  const s = useLiveMetrics(departmentId, initial);
  const a = (k: string) => s.agents[k] ?? 0;
  const total = a('idle') + a('busy') + a('draining') + a('offline');
  return (
    <section className="grid grid-cols-2 gap-4 lg:grid-cols-6" aria-label="Live figures" data-testid="live-tiles" data-at={s.at}>
      <StatTile
        label="Agents"
        value={total}
        hint={`${a('idle')} idle · ${a('busy')} busy · ${a('offline')} offline`}
        testId="tile-agents"
      />
      <StatTile label="Queue depth" value={s.queueDepth} hint="pending tasks" testId="tile-queue" />
      <StatTile
        label="Tasks / min"
        value={s.tasksPerMin}
        hint={`${s.completedPerMin} done · ${s.failedPerMin} failed in the last minute`}
        testId="tile-throughput"
      />
      <StatTile label="Completion rate" value={percent(s.completionRate)} hint="last 5 minutes" testId="tile-completion" />
      <StatTile label="p95 assignment" value={fmtMs(s.p95AssignmentMs)} hint="last 5 minutes" testId="tile-latency" />
      {/* Bus traffic is the whole fleet's: a department's view shows its resource use instead. */}
      {departmentId === null ? (
        <StatTile
          label="Bus msg/s"
          value={s.busMsgPerSec === null ? '—' : s.busMsgPerSec.toFixed(1)}
          hint={`resources ${percent(s.resourceUse)} used`}
          testId="tile-bus"
        />
      ) : (
        <StatTile label="Resource use" value={percent(s.resourceUse)} hint="of the department's pools" testId="tile-resources" />
      )}
    </section>
  );
}
