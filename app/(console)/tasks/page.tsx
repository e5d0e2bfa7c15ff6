import Link from 'next/link';
import { getDb } from '@/db/client';
import { priorities, taskStatuses } from '@/db/vocabulary';
import { listTasksQuery } from '@/lib/tasks/schemas';
import { taskSortKeys, taskTable } from '@/lib/tasks/table';
import { listDepartments } from '@/lib/departments/service';
import { hasPermission } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { filterParams, tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { FilterBar } from '@/components/filter-bar';
import { LiveRefresh } from '@/components/live-refresh';
import { Time } from '@/components/time';
import { AgentRef, DepartmentRef } from '@/components/entity-refs';
import { resolveNames } from '@/lib/org/names';

export default async function TasksPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const sp = single(await searchParams);
  const parsed = listTasksQuery.omit({ limit: true, cursor: true }).safeParse(filterParams(sp));
  const table = tableParams(sp, taskSortKeys);
  const db = getDb();
  const [depts, result] = await Promise.all([
    listDepartments(db, principal),
    withCursorOrFirst({ ...(parsed.success ? parsed.data : {}), ...table }, (q) => taskTable(db, principal, q)),
  ]);
  const view = tableView('/tasks', sp, result, table, 'tasks');
  const deadView = sp.status === 'dead';
  const names = await resolveNames(db, {
    agents: result.items.map((t) => t.assignedAgentId),
    departments: result.items.map((t) => t.departmentId),
  });
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">{deadView ? 'Dead letters' : 'Tasks'}</h1>
        <div className="flex items-center gap-3">
          <LiveRefresh events={['task:update']} />
          <Link prefetch={false} href={deadView ? '/tasks' : '/tasks?status=dead'} className="btn-secondary">
            {deadView ? 'All tasks' : 'Dead letters'}
          </Link>
          {hasPermission(principal, 'task:create') && (
            <Link prefetch={false} href="/tasks/new" className="btn">
              New task
            </Link>
          )}
        </div>
      </div>
      <FilterBar
        action="/tasks"
        values={sp}
        keep={{ sort: sp.sort, order: sp.order, limit: sp.limit }}
        fields={[
          { name: 'departmentId', label: 'Department', options: depts.map((d) => ({ value: d.id, label: d.name })) },
          { name: 'status', label: 'Status', options: taskStatuses.map((s) => ({ value: s, label: s })) },
          { name: 'priority', label: 'Priority', options: priorities.map((s) => ({ value: s, label: s })) },
          { name: 'q', label: 'Title', placeholder: 'search' },
        ]}
      />
      {!parsed.success && (
        <p role="alert" className="text-sm text-red-600">
          Some filters were not valid and were ignored.
        </p>
      )}
      {result.items.length === 0 ? (
        <EmptyState title={deadView ? 'No dead letters' : 'No tasks match'}>
          {deadView ? (
            'Tasks that run out of attempts land here, ready to retry.'
          ) : (
            <>
              Create one with the New task button or <code>POST /api/v1/tasks</code>.
            </>
          )}
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <DataTable
            testId="tasks-table"
            live
            rows={result.items}
            rowKey={(t) => t.id}
            view={view}
            columns={[
              { header: 'Title', sortKey: 'title', href: (t) => `/tasks/${t.id}`, strong: true, cell: (t) => t.title },
              { header: 'Department', sortKey: 'departmentId', cell: (t) => <DepartmentRef id={t.departmentId} names={names} /> },
              { header: 'Priority', sortKey: 'priority', cell: (t) => <Badge value={t.priority} /> },
              { header: 'Status', sortKey: 'status', cell: (t) => <Badge value={t.status} /> },
              { header: 'Attempts', sortKey: 'attempts', numeric: true, cell: (t) => `${t.attempts} / ${t.maxAttempts}` },
              { header: 'Agent', cell: (t) => <AgentRef id={t.assignedAgentId} names={names} /> },
              { header: 'Created', sortKey: 'createdAt', numeric: true, cell: (t) => <Time value={t.createdAt} /> },
            ]}
          />
        </div>
      )}
    </div>
  );
}
