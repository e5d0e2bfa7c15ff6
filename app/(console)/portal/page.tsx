import Link from 'next/link';
import { getDb } from '@/db/client';
import { getDepartmentStatus, listDepartments } from '@/lib/departments/service';
import { listAgents } from '@/lib/agents/service';
import { listTasks } from '@/lib/tasks/service';
import { isGlobal } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { StatTile } from '@/components/stat-tile';
import { PoolTable } from '@/components/pool-table';

/**
 * The coordinator portal: only the caller's departments, through the same lib/ calls (and so the
 * same authorize) as REST. A global role sees every department here too.
 */
export default async function PortalPage() {
  const principal = await requirePrincipal();
  const db = getDb();
  const departments = await listDepartments(db, principal);
  const statuses = await Promise.all(departments.map((d) => getDepartmentStatus(db, principal, d.id)));
  // Same lib/ calls as GET /api/v1/agents and /tasks: authorize and the department scope apply.
  const [agentLists, taskLists] = await Promise.all([
    Promise.all(departments.map((d) => listAgents(db, principal, { departmentId: d.id, limit: 20 }))),
    Promise.all(departments.map((d) => listTasks(db, principal, { departmentId: d.id, limit: 20 }))),
  ]);
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Coordinator portal</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {isGlobal(principal)
            ? 'Every department (your role is not limited to departments).'
            : `Your departments: ${departments.map((d) => d.name).join(', ') || 'none'}.`}
        </p>
      </div>
      {departments.length === 0 && <EmptyState title="You belong to no department">Ask a department administrator to add you.</EmptyState>}
      {departments.map((d, i) => {
        const s = statuses[i];
        return (
          <section key={d.id} className="space-y-3" aria-labelledby={`portal-${d.id}`} data-testid={`portal-${d.id}`}>
            <div className="flex items-center gap-3">
              <h2 id={`portal-${d.id}`} className="text-xl font-semibold">
                <Link href={`/departments/${d.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
                  {d.name}
                </Link>
              </h2>
              <Badge value={d.status} />
            </div>
            <div className="grid grid-cols-2 gap-4 lg:grid-cols-4">
              <StatTile
                label="Agents"
                value={`${s.agents.total} / ${d.maxAgents}`}
                hint={`${s.agents.idle} idle · ${s.agents.busy} busy · ${s.agents.offline} offline`}
              />
              <StatTile label="Pending tasks" value={s.tasks.pending} />
              <StatTile label="Active tasks" value={s.tasks.active} />
              <StatTile label="Completed" value={s.tasks.completed} hint={`${s.tasks.failed + s.tasks.dead} failed or dead`} />
            </div>
            <div className="grid gap-4 lg:grid-cols-2">
              <div className="card overflow-x-auto">
                <h3 className="mb-2 font-semibold">Resource pools</h3>
                <PoolTable pools={s.resources} />
              </div>
              <div className="card overflow-x-auto">
                <h3 className="mb-2 font-semibold">Agents</h3>
                {agentLists[i].items.length === 0 ? (
                  <p className="text-sm text-slate-500 dark:text-slate-400">No agents yet.</p>
                ) : (
                  <DataTable
                    testId={`portal-agents-${d.id}`}
                    rows={agentLists[i].items}
                    rowKey={(a) => a.id}
                    columns={[
                      { header: 'Name', cell: (a) => a.name },
                      { header: 'Specialization', cell: (a) => a.specialization },
                      { header: 'State', cell: (a) => <Badge value={a.status} /> },
                      { header: 'Active', numeric: true, cell: (a) => a.activeTasks },
                    ]}
                  />
                )}
              </div>
              <div className="card overflow-x-auto">
                <h3 className="mb-2 font-semibold">Latest tasks</h3>
                {taskLists[i].items.length === 0 ? (
                  <p className="text-sm text-slate-500 dark:text-slate-400">No tasks yet.</p>
                ) : (
                  <DataTable
                    testId={`portal-tasks-${d.id}`}
                    rows={taskLists[i].items}
                    rowKey={(t) => t.id}
                    columns={[
                      { header: 'Title', cell: (t) => t.title },
                      { header: 'Priority', cell: (t) => <Badge value={t.priority} /> },
                      { header: 'Status', cell: (t) => <Badge value={t.status} /> },
                    ]}
                  />
                )}
              </div>
              <div className="card">
                <h3 className="mb-2 font-semibold">Open alerts</h3>
                {s.alerts.length === 0 ? (
                  <p className="text-sm text-slate-500 dark:text-slate-400">None.</p>
                ) : (
                  <ul className="space-y-1 text-sm">
                    {s.alerts.map((a) => (
                      <li key={a.id}>
                        <Badge value={a.severity} /> {a.message}
                      </li>
                    ))}
                  </ul>
                )}
              </div>
            </div>
          </section>
        );
      })}
      <section className="card">
        <h2 className="mb-2 font-semibold">What your role ({principal.role}) may do</h2>
        <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="portal-permissions">
          {principal.permissions.join(' · ')}
        </p>
      </section>
    </div>
  );
}
