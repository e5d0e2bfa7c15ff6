import Link from 'next/link';
import { redirect } from 'next/navigation';
import { getDb } from '@/db/client';
import { getSystemStatus } from '@/lib/status/system';
import { isGlobal } from '@/lib/permissions/rbac';
import { homeOf } from '@/lib/permissions/console-pages';
import { snapshot } from '@/lib/status/snapshot';
import { requirePrincipal } from '@/app/_lib/session';
import { EmptyState } from '@/components/empty-state';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { LiveTiles } from './_monitoring/live-tiles';
import { ChartsPanel } from './_monitoring/charts-panel';
import { percent } from '@/components/format';
import { workerPoolView } from '@/lib/metrics/worker-pool';
import { WorkerPoolCard } from './_monitoring/worker-pool-card';

export default async function OverviewPage() {
  const principal = await requirePrincipal();
  // Signing in lands on `/`: a coordinator's console starts at its departments' portal.
  const home = homeOf(principal);
  if (home !== '/') redirect(home);
  const [s, pool] = await Promise.all([getSystemStatus(getDb(), principal), workerPoolView()]);
  const sum = (c: Record<string, number>, ...keys: string[]) => keys.reduce((a, k) => a + (c[k] ?? 0), 0);
  // Live pushes are scoped: global roles get the system snapshot, others their (first) department's.
  const liveScope = isGlobal(principal) ? null : (principal.departmentIds[0] ?? null);
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">Overview</h1>
        {liveScope && <span className="text-sm text-slate-500 dark:text-slate-400">live figures for {liveScope}</span>}
        {s.alerts.open > 0 && (
          <Link
            href="/alerts"
            className="ml-auto text-sm font-medium text-red-600 hover:underline dark:text-red-400"
            data-testid="open-alerts"
          >
            {s.alerts.open} open alert{s.alerts.open === 1 ? '' : 's'}
          </Link>
        )}
      </div>
      <LiveTiles departmentId={liveScope} initial={snapshot(liveScope)} />
      <ChartsPanel departmentId={null} departments={s.departments.map((d) => ({ id: d.id, name: d.name }))} />
      <section className="card overflow-x-auto">
        <h2 className="mb-3 font-semibold">Departments</h2>
        {s.departments.length === 0 ? (
          <EmptyState title="No departments yet">
            Create one with <code>POST /api/v1/departments</code>, or restart with an empty database to seed the demo organisation.
          </EmptyState>
        ) : (
          <DataTable
            rows={s.departments}
            rowKey={(d) => d.id}
            columns={[
              { header: 'Department', href: (d) => `/departments/${d.id}`, strong: true, cell: (d) => d.name },
              { header: 'Status', cell: (d) => <Badge value={d.status} /> },
              { header: 'Agents', numeric: true, cell: (d) => `${sum(d.agents, 'idle', 'busy', 'draining', 'offline')} / ${d.maxAgents}` },
              { header: 'Pending', numeric: true, cell: (d) => sum(d.tasks, 'pending') },
              { header: 'Active', numeric: true, cell: (d) => sum(d.tasks, 'assigned', 'running') },
              { header: 'Completed', numeric: true, cell: (d) => sum(d.tasks, 'completed') },
              { header: 'Failed or dead', numeric: true, cell: (d) => sum(d.tasks, 'failed', 'dead') },
              { header: 'Resource use', numeric: true, cell: (d) => percent(d.resourceUtilisation) },
            ]}
          />
        )}
      </section>
      <WorkerPoolCard pool={pool} />
    </div>
  );
}
