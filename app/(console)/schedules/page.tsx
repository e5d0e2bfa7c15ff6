import { getDb } from '@/db/client';
import { priorities } from '@/db/vocabulary';
import { scheduleSortKeys, scheduleTable, scheduleTableQuery } from '@/lib/schedules/table';
import { listDepartments } from '@/lib/departments/service';
import { hasPermission } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { filterParams, tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { ActionButton } from '@/components/action-button';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { FilterBar } from '@/components/filter-bar';
import { setScheduleEnabledAction, triggerScheduleAction } from './actions';
import { ScheduleForm } from './schedule-form';
import { Time } from '@/components/time';
import { DepartmentRef } from '@/components/entity-refs';

export default async function SchedulesPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const sp = single(await searchParams);
  // A filter that doesn't parse is dropped, as a bad sort or cursor is: the list still shows.
  const filters = scheduleTableQuery.pick({ departmentId: true, enabled: true }).safeParse(filterParams(sp));
  const table = tableParams(sp, scheduleSortKeys);
  const db = getDb();
  const [depts, result] = await Promise.all([
    listDepartments(db, principal),
    withCursorOrFirst({ ...(filters.success ? filters.data : {}), ...table }, (q) => scheduleTable(db, principal, q)),
  ]);
  const view = tableView('/schedules', sp, result, table, 'schedules');
  const canEdit = hasPermission(principal, 'task:create');
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Schedules</h1>
      <FilterBar
        action="/schedules"
        values={sp}
        fields={[
          { name: 'departmentId', label: 'Department', options: depts.map((d) => ({ value: d.id, label: d.name })) },
          {
            name: 'enabled',
            label: 'State',
            options: [
              { value: 'true', label: 'active' },
              { value: 'false', label: 'paused' },
            ],
          },
        ]}
      />
      {result.items.length === 0 ? (
        <EmptyState title="No schedules">
          Create one below or with <code>POST /api/v1/schedules</code>: a cron pattern and the task each firing creates.
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <DataTable
            testId="schedules-table"
            rows={result.items}
            rowKey={(s) => s.id}
            rowData={(s) => ({ 'data-schedule': s.name })}
            view={view}
            columns={[
              { header: 'Name', sortKey: 'name', href: (s) => `/schedules/${s.id}`, strong: true, cell: (s) => s.name },
              { header: 'Department', sortKey: 'department', cell: (s) => <DepartmentRef id={s.departmentId} name={s.departmentName} /> },
              { header: 'Cron', cell: (s) => <code className="whitespace-nowrap">{s.cron}</code> },
              { header: 'Time zone', cell: (s) => s.timezone },
              { header: 'State', sortKey: 'enabled', cell: (s) => <Badge value={s.enabled ? 'active' : 'paused'} /> },
              { header: 'Next firing', sortKey: 'nextFireAt', numeric: true, cell: (s) => <Time value={s.nextFireTimes[0]} /> },
              { header: 'Last fired', sortKey: 'lastFiredAt', numeric: true, cell: (s) => <Time value={s.lastFiredAt} relative /> },
              ...(canEdit
                ? [
                    {
                      header: 'Actions',
                      cell: (s: (typeof result.items)[number]) => (
                        <span className="flex gap-2">
                          <ActionButton
                            label={s.enabled ? 'Pause' : 'Resume'}
                            action={setScheduleEnabledAction}
                            fields={{ id: s.id, enabled: s.enabled ? 'off' : 'on' }}
                          />
                          <ActionButton label="Trigger now" action={triggerScheduleAction} fields={{ id: s.id }} />
                        </span>
                      ),
                    },
                  ]
                : []),
            ]}
          />
        </div>
      )}
      {canEdit && (
        <ScheduleForm
          departments={depts.filter((d) => d.status === 'active').map((d) => ({ id: d.id, name: d.name }))}
          priorities={priorities}
        />
      )}
    </div>
  );
}
