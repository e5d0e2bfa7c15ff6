import Link from 'next/link';
import { getDb } from '@/db/client';
import { getDepartmentStatus, listDepartments } from '@/lib/departments/service';
import { agentTable, agentTableQuery } from '@/lib/agents/table';
import { taskTable, taskTableQuery } from '@/lib/tasks/table';
import { isGlobal } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { StatTile } from '@/components/stat-tile';
import { PoolTable } from '@/components/pool-table';

/** Departments per portal page, and rows per department's agent and task lists (the lists pages hold the rest). */
const DEPARTMENTS_PER_PAGE = 4;
const ROWS = 5;

/**
 * The coordinator portal: only the caller's departments, through the same lib/ calls (and so the
 * same authorize) as REST. A global role sees every department here too.
 */
export default async function PortalPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const db = getDb();
  const all = await listDepartments(db, principal);
  const pages = Math.max(1, Math.ceil(all.length / DEPARTMENTS_PER_PAGE));
  // A page past the end (departments went away) shows the last; anything that isn't a page number, the first.
  const asked = Number(single(await searchParams).page);
  const pageNo = Number.isInteger(asked) && asked >= 1 ? Math.min(asked, pages) : 1;
  const first = (pageNo - 1) * DEPARTMENTS_PER_PAGE;
  const departments = all.slice(first, first + DEPARTMENTS_PER_PAGE);
  const statuses = await Promise.all(departments.map((d) => getDepartmentStatus(db, principal, d.id)));
  // Same lib/ calls as GET /api/v1/agents and /tasks: authorize and the department scope apply.
  const [agentLists, taskLists] = await Promise.all([
    Promise.all(departments.map((d) => agentTable(db, principal, agentTableQuery.parse({ departmentId: d.id, limit: ROWS })))),
    Promise.all(departments.map((d) => taskTable(db, principal, taskTableQuery.parse({ departmentId: d.id, limit: ROWS })))),
  ]);
  const pager = pages > 1 && (
    <nav aria-label="Department pages" className="flex flex-wrap items-center gap-3 text-sm" data-testid="portal-pager">
      <span className="text-slate-600 dark:text-slate-400">
        Departments {first + 1}–{first + departments.length} of {all.length}
      </span>
      {pageNo > 1 && (
        <Link prefetch={false} className="btn-secondary" rel="prev" href={`/portal?page=${pageNo - 1}`}>
          Previous departments
        </Link>
      )}
      {pageNo < pages && (
        <Link prefetch={false} className="btn-secondary" rel="next" href={`/portal?page=${pageNo + 1}`}>
          Next departments
        </Link>
      )}
    </nav>
  );
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">Coordinator portal</h1>
        <p className="text-sm text-slate-600 dark:text-slate-400">
          {isGlobal(principal)
            ? 'Every department (your role is not limited to departments).'
            : `Your departments: ${all.map((d) => d.name).join(', ') || 'none'}.`}
        </p>
      </div>
      {pager}
      {departments.length === 0 && <EmptyState title="You belong to no department">Ask a department administrator to add you.</EmptyState>}
      {departments.map((d, i) => {
        const s = statuses[i];
        return (
          <section key={d.id} className="space-y-3" aria-labelledby={`portal-${d.id}`} data-testid={`portal-${d.id}`}>
            <div className="flex items-center gap-3">
              <h2 id={`portal-${d.id}`} className="text-xl font-semibold">
                <Link prefetch={false} href={`/departments/${d.id}`} className="text-indigo-600 hover:underline dark:text-indigo-400">
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
                <ListHeading
                  title="Agents"
                  noun="agents"
                  total={agentLists[i].total}
                  capped={agentLists[i].totalCapped}
                  href={`/agents?departmentId=${d.id}`}
                />
                {agentLists[i].items.length === 0 ? (
                  <p className="text-sm text-slate-500 dark:text-slate-400">No agents yet.</p>
                ) : (
                  <DataTable
                    testId={`portal-agents-${d.id}`}
                    rows={agentLists[i].items}
                    rowKey={(a) => a.id}
                    columns={[
                      { header: 'Name', href: (a) => `/agents/${a.id}`, strong: true, cell: (a) => a.name },
                      { header: 'Specialization', cell: (a) => a.specialization },
                      { header: 'State', cell: (a) => <Badge value={a.status} /> },
                      { header: 'Active', numeric: true, cell: (a) => a.activeTasks },
                    ]}
                  />
                )}
              </div>
              <div className="card overflow-x-auto">
                <ListHeading
                  title="Latest tasks"
                  noun="tasks"
                  total={taskLists[i].total}
                  capped={taskLists[i].totalCapped}
                  href={`/tasks?departmentId=${d.id}`}
                />
                {taskLists[i].items.length === 0 ? (
                  <p className="text-sm text-slate-500 dark:text-slate-400">No tasks yet.</p>
                ) : (
                  <DataTable
                    testId={`portal-tasks-${d.id}`}
                    rows={taskLists[i].items}
                    rowKey={(t) => t.id}
                    columns={[
                      { header: 'Title', href: (t) => `/tasks/${t.id}`, strong: true, cell: (t) => t.title },
                      { header: 'Priority', cell: (t) => <Badge value={t.priority} /> },
                      { header: 'Status', cell: (t) => <Badge value={t.status} /> },
                    ]}
                  />
                )}
              </div>
              <div className="card">
                <ListHeading title="Open alerts" noun="open alerts" total={s.alerts.length} capped={false} href="/alerts" />
                {s.alerts.length === 0 ? (
                  <p className="text-sm text-slate-500 dark:text-slate-400">None.</p>
                ) : (
                  <ul className="space-y-1 text-sm">
                    {s.alerts.slice(0, ROWS).map((a) => (
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
      {pager}
      <section className="card">
        <h2 className="mb-2 font-semibold">What your role ({principal.role}) may do</h2>
        <p className="text-xs text-slate-600 dark:text-slate-400" data-testid="portal-permissions">
          {principal.permissions.join(' · ')}
        </p>
      </section>
    </div>
  );
}

/** A department's list heading, with the way to all of it on its own page when the portal shows only the first rows. */
function ListHeading({ title, noun, total, capped, href }: { title: string; noun: string; total: number; capped: boolean; href: string }) {
  return (
    <div className="mb-2 flex items-baseline justify-between gap-3">
      <h3 className="font-semibold">{title}</h3>
      {(total > ROWS || capped) && (
        <Link prefetch={false} href={href} className="text-sm text-indigo-600 hover:underline dark:text-indigo-400">
          All {capped ? `more than ${total.toLocaleString('en-US')}` : total.toLocaleString('en-US')} {noun}
        </Link>
      )}
    </div>
  );
}
