import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { getDepartment, getDepartmentStatus } from '@/lib/departments/service';
import { AppError } from '@/lib/errors';
import { requirePrincipal } from '@/app/_lib/session';
import { StatTile } from '@/components/stat-tile';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { departmentLeaderboard } from '@/lib/metrics/leaderboard';
import { snapshot } from '@/lib/status/snapshot';
import { LiveTiles } from '../../_monitoring/live-tiles';
import { ChartsPanel } from '../../_monitoring/charts-panel';
import { PoolTable } from '@/components/pool-table';
import { QuotaBars } from '@/components/quota-bars';
import { percent } from '@/components/format';
import { hasPermission } from '@/lib/permissions/rbac';
import { resourceTypes } from '@/lib/org/resource-kinds';
import { getDepartmentTaskGraph } from '@/lib/tasks/graph';
import { TaskGraphView } from '@/components/task-graph';
import { ArchiveControls, EditDepartmentForm } from '../forms';

export default async function DepartmentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const principal = await requirePrincipal();
  const db = getDb();
  const loaded = await Promise.all([
    getDepartment(db, principal, id),
    getDepartmentStatus(db, principal, id),
    departmentLeaderboard(db, principal, id),
    hasPermission(principal, 'task:read') ? getDepartmentTaskGraph(db, principal, id) : null,
  ]).catch((err) => {
    if (err instanceof AppError && err.status === 404) notFound();
    throw err;
  });
  const [dept, status, leaders, graph] = loaded;
  const ms = (x: number | null) => (x === null ? '—' : x < 1000 ? `${x} ms` : `${(x / 1000).toFixed(1)} s`);
  return (
    <div className="space-y-6">
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold">{dept.name}</h1>
        {dept.archivedAt && <Badge value="archived" />}
        <Badge value={dept.status} />
        {hasPermission(principal, 'department:archive') && (
          <span className="ml-auto">
            <ArchiveControls id={dept.id} archived={!!dept.archivedAt} />
          </span>
        )}
      </div>
      {dept.archivedAt && (
        <p className="text-sm text-slate-600 dark:text-slate-400" data-testid="archived-note">
          Archived {new Date(dept.archivedAt).toLocaleString()}: its history stays; it takes no new agents or tasks and does not count
          toward the department limit.
        </p>
      )}
      <p className="text-slate-600 dark:text-slate-400">{dept.description}</p>
      <LiveTiles departmentId={dept.id} initial={snapshot(dept.id)} />
      <section className="grid grid-cols-2 gap-4 lg:grid-cols-4" aria-label="Totals">
        <StatTile label="Agent limit" value={`${status.agents.total} / ${dept.maxAgents}`} hint="registered / maximum" />
        <StatTile label="Active tasks" value={status.tasks.active} hint="when the page loaded" />
        <StatTile label="Completed, all time" value={status.tasks.completed} />
        <StatTile
          label="Failed or dead, all time"
          value={status.tasks.failed + status.tasks.dead}
          hint={`${status.tasks.cancelled} cancelled`}
        />
      </section>
      <section className="card" aria-label="Quotas">
        <h2 className="mb-2 font-semibold">Quotas</h2>
        <QuotaBars quotas={status.quotas} />
      </section>
      {status.alerts.length > 0 && (
        <section className="card border-amber-300 dark:border-amber-700" aria-label="Open alerts">
          <h2 className="mb-2 font-semibold">Open alerts</h2>
          <ul className="space-y-1 text-sm">
            {status.alerts.map((a) => (
              <li key={a.id} className="flex items-center gap-2">
                <Badge value={a.severity} /> {a.message}
              </li>
            ))}
          </ul>
        </section>
      )}
      <ChartsPanel departmentId={dept.id} departments={[{ id: dept.id, name: dept.name }]} />
      <section className="card overflow-x-auto" aria-label="Agents leaderboard">
        <h2 className="mb-2 font-semibold">Agents leaderboard</h2>
        {leaders.length === 0 ? (
          <EmptyState title="No agents yet">
            Register one with <code>POST /api/v1/agents</code>.
          </EmptyState>
        ) : (
          <DataTable
            testId="leaderboard"
            rows={leaders}
            rowKey={(a) => a.id}
            columns={[
              { header: 'Agent', className: 'font-medium', cell: (a) => a.name },
              { header: 'State', cell: (a) => <Badge value={a.status} /> },
              { header: 'Success rate', numeric: true, cell: (a) => percent(a.successRate) },
              { header: 'Completed', numeric: true, cell: (a) => a.completed },
              { header: 'Failed', numeric: true, cell: (a) => a.failed },
              { header: 'Mean run (completed)', numeric: true, cell: (a) => ms(a.meanMs) },
              { header: 'p95 run (last 100)', numeric: true, cell: (a) => ms(a.p95Ms) },
            ]}
          />
        )}
      </section>
      {graph && (
        <section className="card" aria-labelledby="cross-work-heading">
          <h2 id="cross-work-heading" className="mb-2 font-semibold">
            Work with other departments
          </h2>
          {graph.nodes.length === 0 ? (
            <EmptyState title="No cross-department work">
              Tasks of {dept.name} that ask another department for help, or wait on its tasks, are drawn here.
            </EmptyState>
          ) : (
            <TaskGraphView graph={graph} testId="department-graph" title={`Tasks linking ${dept.name} with other departments`} />
          )}
        </section>
      )}
      <section className="grid gap-4 lg:grid-cols-2">
        <div className="card">
          <h2 className="mb-2 font-semibold">Specializations</h2>
          <p className="text-sm">{dept.specializations.join(', ') || '—'}</p>
          <h2 className="mb-2 mt-4 font-semibold">Capabilities</h2>
          <p className="text-sm">{dept.capabilities.join(', ') || '—'}</p>
          <h2 className="mb-2 mt-4 font-semibold">Load balancing</h2>
          <p className="text-sm">{dept.loadBalancingStrategy}</p>
        </div>
        <div className="card overflow-x-auto">
          <h2 className="mb-2 font-semibold">Resource pools</h2>
          <PoolTable pools={status.resources} />
        </div>
      </section>
      {hasPermission(principal, 'department:update') && <EditDepartmentForm department={dept} resourceKinds={resourceTypes} />}
    </div>
  );
}
