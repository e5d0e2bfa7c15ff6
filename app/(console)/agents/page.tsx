import Link from 'next/link';
import { hasPermission } from '@/lib/permissions/rbac';
import { getDb } from '@/db/client';
import { agentStatuses } from '@/db/vocabulary';
import { listAgentsQuery } from '@/lib/agents/schemas';
import { agentSortKeys, agentTable } from '@/lib/agents/table';
import { listDepartments } from '@/lib/departments/service';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { filterParams, tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { FilterBar } from '@/components/filter-bar';
import { LiveRefresh } from '@/components/live-refresh';
import { percent } from '@/components/format';
import { DepartmentRef } from '@/components/entity-refs';

export default async function AgentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const sp = single(await searchParams);
  const parsed = listAgentsQuery.omit({ limit: true, cursor: true }).safeParse(filterParams(sp));
  const table = tableParams(sp, agentSortKeys);
  const db = getDb();
  const [depts, result] = await Promise.all([
    listDepartments(db, principal),
    withCursorOrFirst({ ...(parsed.success ? parsed.data : {}), ...table }, (q) => agentTable(db, principal, q)),
  ]);
  const view = tableView('/agents', sp, result, table, 'agents');
  const deptName = new Map(depts.map((d) => [d.id, d.name]));
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Agents</h1>
        {/* Load and completed counts move with task changes, which don't publish agent:update. */}
        <div className="flex items-center gap-3">
          <LiveRefresh events={['agent:update', 'task:update']} />
          {hasPermission(principal, 'agent:create') && (
            <Link prefetch={false} href="/agents/new" className="btn">
              Register agent
            </Link>
          )}
        </div>
      </div>
      <FilterBar
        action="/agents"
        values={sp}
        keep={{ sort: sp.sort, order: sp.order, limit: sp.limit }}
        fields={[
          { name: 'departmentId', label: 'Department', options: depts.map((d) => ({ value: d.id, label: d.name })) },
          { name: 'status', label: 'Status', options: agentStatuses.map((s) => ({ value: s, label: s })) },
          { name: 'specialization', label: 'Specialization', placeholder: 'e.g. backend' },
          { name: 'q', label: 'Name', placeholder: 'search' },
        ]}
      />
      {!parsed.success && (
        <p role="alert" className="text-sm text-red-600">
          Some filters were not valid and were ignored.
        </p>
      )}
      {result.items.length === 0 ? (
        <EmptyState title="No agents match">
          Register one with the Register agent button or <code>POST /api/v1/agents</code> (its secret comes back once), or run a simulated
          fleet with <code>npm run simulate -- --agents 50</code>.
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <DataTable
            testId="agents-table"
            live
            rows={result.items}
            rowKey={(a) => a.id}
            view={view}
            columns={[
              { header: 'Name', sortKey: 'name', href: (a) => `/agents/${a.id}`, strong: true, cell: (a) => a.name },
              {
                header: 'Department',
                sortKey: 'departmentId',
                cell: (a) => <DepartmentRef id={a.departmentId} name={deptName.get(a.departmentId)} />,
              },
              { header: 'Specialization', sortKey: 'specialization', cell: (a) => a.specialization },
              { header: 'Status', sortKey: 'status', cell: (a) => <Badge value={a.status} /> },
              { header: 'Tasks', sortKey: 'activeTasks', numeric: true, cell: (a) => `${a.activeTasks} / ${a.maxConcurrentTasks}` },
              { header: 'Completed', sortKey: 'completed', numeric: true, cell: (a) => a.metrics.completed },
              { header: 'Success', numeric: true, cell: (a) => percent(a.metrics.successRate) },
              { header: 'p95', numeric: true, cell: (a) => (a.metrics.p95DurationMs === null ? '—' : `${a.metrics.p95DurationMs} ms`) },
            ]}
          />
        </div>
      )}
    </div>
  );
}
