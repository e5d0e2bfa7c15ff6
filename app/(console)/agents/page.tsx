import Link from 'next/link';
import { hasPermission } from '@/lib/permissions/rbac';
import { getDb } from '@/db/client';
import { agentStatuses } from '@/db/vocabulary';
import { listAgents } from '@/lib/agents/service';
import { listAgentsQuery } from '@/lib/agents/schemas';
import { listDepartments } from '@/lib/departments/service';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { FilterBar } from '@/components/filter-bar';
import { LiveRefresh } from '@/components/live-refresh';
import { Pager } from '@/components/pager';
import { percent } from '@/components/format';
import { DepartmentRef } from '@/components/entity-refs';

export default async function AgentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const sp = single(await searchParams);
  const parsed = listAgentsQuery.safeParse(sp);
  const db = getDb();
  const [depts, result] = await Promise.all([
    listDepartments(db, principal),
    listAgents(db, principal, parsed.success ? parsed.data : listAgentsQuery.parse({})),
  ]);
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
            columns={[
              { header: 'Name', href: (a) => `/agents/${a.id}`, strong: true, cell: (a) => a.name },
              { header: 'Department', cell: (a) => <DepartmentRef id={a.departmentId} name={deptName.get(a.departmentId)} /> },
              { header: 'Specialization', cell: (a) => a.specialization },
              { header: 'Status', cell: (a) => <Badge value={a.status} /> },
              { header: 'Tasks', numeric: true, cell: (a) => `${a.activeTasks} / ${a.maxConcurrentTasks}` },
              { header: 'Completed', numeric: true, cell: (a) => a.metrics.completed },
              { header: 'Success', numeric: true, cell: (a) => percent(a.metrics.successRate) },
              { header: 'p95', numeric: true, cell: (a) => (a.metrics.p95DurationMs === null ? '—' : `${a.metrics.p95DurationMs} ms`) },
            ]}
          />
          <Pager basePath="/agents" params={sp} nextCursor={result.nextCursor} />
        </div>
      )}
    </div>
  );
}
