import Link from 'next/link';
import { getDb } from '@/db/client';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { hasPermission } from '@/lib/permissions/rbac';
import { allocationSortKeys, allocationTable } from '@/lib/allocations/table';
import { getUtilisationHistory } from '@/lib/resources/history';
import { capacityChangeSortKeys, capacityChangeTable } from '@/lib/resources/change-table';
import { resourceTypes } from '@/lib/org/resource-kinds';
import { getCosts, listPools } from '@/lib/resources/service';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { LiveRefresh } from '@/components/live-refresh';
import { StatTile } from '@/components/stat-tile';
import { HistoryChart } from './history-chart';
import { PoolSettingsForm } from './pool-settings-form';
import { UtilisationHeatmap } from './utilisation-heatmap';
import { Time } from '@/components/time';
import { AgentRef, DepartmentRef } from '@/components/entity-refs';
import { resolveNames, relatedTasks } from '@/lib/org/names';

export default async function ResourcesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const db = getDb();
  const sp = single(await searchParams);
  const table = tableParams(sp, allocationSortKeys);
  // The capacity changes page apart from the allocations: their own sort, size and cursor params.
  const changeTable = tableParams(sp, capacityChangeSortKeys, 'changes');
  const [pools, allocs, history, changes, costs] = await Promise.all([
    listPools(db, principal),
    withCursorOrFirst({ status: 'active' as const, ...table }, (q) => allocationTable(db, principal, q)),
    getUtilisationHistory(db, principal, { minutes: 60 }),
    withCursorOrFirst(changeTable, (q) => capacityChangeTable(db, principal, q)),
    getCosts(db, principal),
  ]);
  const [names, allocTasks] = await Promise.all([
    resolveNames(db, { departments: [...allocs.items.map((a) => a.departmentId), ...pools.map((p) => p.departmentId)] }),
    relatedTasks(
      db,
      principal,
      allocs.items.map((a) => a.taskId),
    ),
  ]);
  const view = tableView('/resources', sp, allocs, table, 'active allocations');
  const changeView = tableView('/resources', sp, changes, changeTable, 'capacity changes', 'changes');
  const departments = [...new Set(pools.map((p) => p.departmentId))].sort();
  const kinds = resourceTypes.filter((k) => pools.some((p) => p.type === k));
  const hot = pools.filter((p) => p.utilisation > 0.9).length;
  const borrowed = pools.reduce((s, p) => s + (p.borrowed ? 1 : 0), 0);
  const totalCost = costs.departments.reduce((s, d) => s + d.cost, 0);
  const canEdit = hasPermission(principal, 'resource:update');
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Resources</h1>
        <LiveRefresh events={['resource:update', 'alert']} />
      </div>
      <section className="grid grid-cols-2 gap-4 lg:grid-cols-4" aria-label="Resource figures">
        <StatTile label="Pools" value={pools.length} testId="tile-pools" />
        <StatTile
          label="Active allocations"
          value={allocs.totalCapped ? `${allocs.total.toLocaleString('en-US')}+` : allocs.total}
          testId="tile-allocations"
        />
        <StatTile label="Pools above 90%" value={hot} testId="tile-hot" />
        <StatTile
          label="Held cost / month"
          value={`$${totalCost.toLocaleString('en-US', { maximumFractionDigits: 0 })}`}
          hint={`${borrowed} pools borrowing from the reserve`}
        />
      </section>
      {/* Focusable: on a narrow window the grid scrolls sideways, and keyboard users must reach it. */}
      <section className="card overflow-x-auto" tabIndex={0} aria-label="Pool use heat-map">
        <h2 className="mb-3 font-semibold">Utilisation by department and kind</h2>
        {pools.length ? (
          <UtilisationHeatmap pools={pools} departments={departments} kinds={kinds} names={names} />
        ) : (
          <EmptyState title="No pools you can see">Your departments have no resource pools.</EmptyState>
        )}
      </section>
      <section className="card">
        <h2 className="mb-3 font-semibold">History (last hour, mean per kind)</h2>
        {history.length ? (
          <HistoryChart points={history} kinds={kinds} />
        ) : (
          <EmptyState title="No samples yet">The server samples every pool each RESOURCE_CHECK_INTERVAL.</EmptyState>
        )}
      </section>
      {canEdit && (
        <section className="card">
          <h2 className="mb-3 font-semibold">Pool settings</h2>
          <PoolSettingsForm
            pools={pools.map(({ departmentId, type, guaranteed, maximum }) => ({ departmentId, type, guaranteed, maximum }))}
            departments={departments}
            kinds={[...resourceTypes]}
            names={names.departments}
          />
        </section>
      )}
      <section className="card overflow-x-auto">
        <h2 className="mb-3 font-semibold">Active allocations</h2>
        {allocs.items.length === 0 ? (
          <EmptyState title="Nothing allocated">
            Agents get units through dispatch or <code>POST /api/v1/allocations</code>.
          </EmptyState>
        ) : (
          <DataTable
            testId="allocations-table"
            rows={allocs.items}
            rowKey={(a) => a.id}
            view={view}
            columns={[
              { header: 'Agent', sortKey: 'agent', cell: (a) => <AgentRef id={a.agentId} name={a.agentName} /> },
              { header: 'Department', sortKey: 'departmentId', cell: (a) => <DepartmentRef id={a.departmentId} names={names} /> },
              {
                header: 'Resources',
                numeric: true,
                cell: (a) =>
                  Object.entries(a.resources)
                    .map(([k, n]) => `${k} ${n}`)
                    .join(', '),
              },
              { header: 'Priority', sortKey: 'priority', cell: (a) => <Badge value={a.priority} /> },
              {
                header: 'Task',
                cell: (a) =>
                  a.taskId ? (
                    <Link prefetch={false} className="text-indigo-600 hover:underline dark:text-indigo-400" href={`/tasks/${a.taskId}`}>
                      {allocTasks[a.taskId]?.title ?? `task ${a.taskId.slice(0, 8)}`}
                    </Link>
                  ) : (
                    '—'
                  ),
              },
              { header: 'Since', sortKey: 'createdAt', numeric: true, cell: (a) => <Time value={a.createdAt} /> },
            ]}
          />
        )}
      </section>
      <section className="card overflow-x-auto">
        <h2 className="mb-3 font-semibold">Capacity changes</h2>
        {changes.items.length === 0 ? (
          <EmptyState title="No changes yet">Auto-scaling, rebalancing and admins record every change here.</EmptyState>
        ) : (
          <DataTable
            testId="changes-table"
            rows={changes.items}
            rowKey={(c) => c.id}
            view={changeView}
            columns={[
              { header: 'When', sortKey: 'at', numeric: true, cell: (c) => <Time value={c.at} /> },
              {
                header: 'Pool',
                sortKey: 'pool',
                cell: (c) => (
                  <>
                    <DepartmentRef id={c.departmentId} name={c.departmentName} /> · {c.type}
                  </>
                ),
              },
              { header: 'Capacity', sortKey: 'change', numeric: true, cell: (c) => `${c.capacityBefore} → ${c.capacityAfter}` },
              { header: 'Reason', sortKey: 'reason', cell: (c) => c.reason },
            ]}
          />
        )}
      </section>
    </div>
  );
}
