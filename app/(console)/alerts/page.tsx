import Link from 'next/link';
import { getDb } from '@/db/client';
import { alertSortKeys, alertTable } from '@/lib/alerts/table';
import { hasPermission, isGlobal } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { AlertButtons, LiveAlertRefresh } from './alert-actions';
import { Time } from '@/components/time';
import { DepartmentRef } from '@/components/entity-refs';
import { resolveNames } from '@/lib/org/names';

const tabs = [
  { id: 'active', label: 'Active' },
  { id: 'open', label: 'Open' },
  { id: 'acknowledged', label: 'Acknowledged' },
  { id: 'resolved', label: 'Resolved' },
  { id: 'all', label: 'All' },
] as const;

export default async function AlertsPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const sp = single(await searchParams);
  const tab = tabs.find((t) => t.id === sp.status)?.id ?? 'active';
  const table = tableParams(sp, alertSortKeys);
  const page = await withCursorOrFirst({ status: tab === 'all' ? undefined : tab, ...table }, (q) => alertTable(getDb(), principal, q));
  const names = await resolveNames(getDb(), { departments: page.items.map((a) => a.departmentId) });
  const view = tableView('/alerts', { status: tab }, page, table, 'alerts');
  const canAct = (dept: string | null) => dept !== null || isGlobal(principal);
  return (
    <div className="space-y-4">
      <div className="flex items-center gap-3">
        <h1 className="text-2xl font-semibold">Alerts</h1>
        <LiveAlertRefresh />
      </div>
      <nav aria-label="Alert status" className="flex gap-2">
        {tabs.map((t) => (
          <Link
            key={t.id}
            href={`/alerts?status=${t.id}`}
            aria-current={t.id === tab ? 'page' : undefined}
            className={t.id === tab ? 'btn' : 'btn-secondary'}
          >
            {t.label}
          </Link>
        ))}
      </nav>
      <section className="card overflow-x-auto">
        {page.items.length === 0 ? (
          <EmptyState title={`No ${tab === 'all' ? '' : tab} alerts`}>
            Rules run every 15 seconds: performance, offline agents, agent limits and security; resource pools raise capacity and shortage
            alerts.
          </EmptyState>
        ) : (
          <DataTable
            testId="alerts-table"
            rows={page.items}
            rowKey={(a) => a.id}
            view={view}
            columns={[
              {
                header: 'Raised',
                sortKey: 'createdAt',
                className: 'whitespace-nowrap',
                numeric: true,
                cell: (a) => <Time value={a.createdAt} />,
              },
              { header: 'Severity', sortKey: 'severity', cell: (a) => <Badge value={a.severity} /> },
              { header: 'Kind', sortKey: 'kind', cell: (a) => a.kind },
              {
                header: 'Department',
                sortKey: 'departmentId',
                cell: (a) => (a.departmentId ? <DepartmentRef id={a.departmentId} names={names} /> : 'system'),
              },
              { header: 'Message', cell: (a) => a.message },
              {
                header: 'Status',
                sortKey: 'status',
                cell: (a) => (
                  <>
                    {a.status}
                    {a.acknowledgedBy && <span className="block text-xs text-slate-500">by {a.acknowledgedBy}</span>}
                  </>
                ),
              },
              {
                header: <span className="sr-only">Actions</span>,
                cell: (a) => (
                  <AlertButtons
                    id={a.id}
                    status={a.status}
                    canAck={canAct(a.departmentId) && hasPermission(principal, 'alert:acknowledge')}
                    canResolve={canAct(a.departmentId) && hasPermission(principal, 'alert:resolve')}
                  />
                ),
              },
            ]}
          />
        )}
      </section>
    </div>
  );
}
