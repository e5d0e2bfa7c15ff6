import Link from 'next/link';
import { getDb } from '@/db/client';
import { agentStatuses } from '@/db/schema/work';
import { listAgents } from '@/lib/agents/service';
import { listAgentsQuery } from '@/lib/agents/schemas';
import { listDepartments } from '@/lib/departments/service';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { Badge } from '@/components/badge';
import { EmptyState } from '@/components/empty-state';
import { FilterBar } from '@/components/filter-bar';
import { LiveRefresh } from '@/components/live-refresh';
import { Pager } from '@/components/pager';

export default async function AgentsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const sp = single(await searchParams);
  const parsed = listAgentsQuery.safeParse(sp);
  const db = getDb();
  const [depts, result] = await Promise.all([listDepartments(db, principal), listAgents(db, principal, parsed.success ? parsed.data : listAgentsQuery.parse({}))]);
  return (
    <div className="space-y-4">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Agents</h1>
        <LiveRefresh events={['agent:update']} />
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
      {!parsed.success && <p role="alert" className="text-sm text-red-600">Some filters were not valid and were ignored.</p>}
      {result.items.length === 0 ? (
        <EmptyState title="No agents match">
          Allocate one with <code>POST /api/v1/agents</code> (its secret comes back once), or run a simulated fleet with{' '}
          <code>npm run simulate -- --agents 50</code>.
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <table className="table" data-testid="agents-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Department</th>
                <th scope="col">Specialization</th>
                <th scope="col">Status</th>
                <th scope="col">Tasks</th>
                <th scope="col">Completed</th>
                <th scope="col">Success</th>
                <th scope="col">p95</th>
              </tr>
            </thead>
            <tbody>
              {result.items.map((a) => (
                <tr key={a.id}>
                  <td>
                    <Link className="font-medium text-indigo-600 hover:underline dark:text-indigo-400" href={`/agents/${a.id}`}>
                      {a.name}
                    </Link>
                  </td>
                  <td>{a.departmentId}</td>
                  <td>{a.specialization}</td>
                  <td>
                    <Badge value={a.status} />
                  </td>
                  <td className="tabular-nums">
                    {a.activeTasks} / {a.maxConcurrentTasks}
                  </td>
                  <td className="tabular-nums">{a.metrics.completed}</td>
                  <td className="tabular-nums">{a.metrics.successRate === null ? '—' : `${(a.metrics.successRate * 100).toFixed(1)}%`}</td>
                  <td className="tabular-nums">{a.metrics.p95DurationMs === null ? '—' : `${a.metrics.p95DurationMs} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Pager basePath="/agents" params={sp} nextCursor={result.nextCursor} />
        </div>
      )}
    </div>
  );
}
