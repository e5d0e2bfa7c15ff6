import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { getWebhook } from '@/lib/webhooks/service';
import { deliverySortKeys, deliveryTable, deliveryTableQuery } from '@/lib/webhooks/delivery-table';
import { AppError } from '@/lib/errors';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { ActionButton } from '@/components/action-button';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { Time } from '@/components/time';
import { DepartmentRef } from '@/components/entity-refs';
import { resolveNames } from '@/lib/org/names';
import { deleteWebhookAction, redeliverAction, setWebhookEnabledAction, testWebhookAction } from '../actions';

export default async function WebhookPage({
  params,
  searchParams,
}: {
  params: Promise<{ id: string }>;
  searchParams: Promise<Record<string, string | string[] | undefined>>;
}) {
  const principal = await requirePrincipal();
  const { id } = await params;
  const sp = single(await searchParams);
  const status = deliveryTableQuery.shape.status.safeParse(sp.status);
  const table = tableParams(sp, deliverySortKeys);
  const db = getDb();
  const loaded = await Promise.all([
    getWebhook(db, principal, id),
    withCursorOrFirst({ status: status.success ? status.data : undefined, ...table }, (q) => deliveryTable(db, principal, id, q)),
  ]).catch((err) => {
    if (err instanceof AppError && (err.status === 404 || err.status === 400)) return undefined;
    throw err;
  });
  if (!loaded) notFound();
  const [hook, deliveries] = loaded;
  const names = await resolveNames(db, { departments: [hook.departmentId] });
  const view = tableView(`/webhooks/${hook.id}`, sp, deliveries, table, 'deliveries');
  return (
    <div className="space-y-4">
      <p className="text-sm">
        <Link href="/webhooks" className="underline">
          Webhooks
        </Link>
      </p>
      <h1 className="break-all text-2xl font-semibold">{hook.url}</h1>
      <dl className="card grid gap-2 text-sm sm:grid-cols-4">
        <div>
          <dt className="text-slate-500">Department</dt>
          <dd>{hook.departmentId ? <DepartmentRef id={hook.departmentId} names={names} /> : 'global'}</dd>
        </div>
        <div>
          <dt className="text-slate-500">Events</dt>
          <dd>{hook.events.join(', ')}</dd>
        </div>
        <div>
          <dt className="text-slate-500">State</dt>
          <dd>
            <Badge value={hook.enabled ? 'active' : 'paused'} />
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">Source</dt>
          <dd>{hook.source === 'env' ? 'ALERT_WEBHOOK_URL' : `API (${hook.createdBy ?? 'unknown'})`}</dd>
        </div>
      </dl>
      <div className="flex flex-wrap gap-2">
        <ActionButton label="Send test event" action={testWebhookAction} fields={{ id: hook.id }} />
        {hook.source !== 'env' && (
          <>
            <ActionButton
              label={hook.enabled ? 'Pause' : 'Resume'}
              action={setWebhookEnabledAction}
              fields={{ id: hook.id, enabled: hook.enabled ? 'off' : 'on' }}
            />
            <ActionButton
              label="Delete"
              confirm="Delete this webhook and its delivery log?"
              action={deleteWebhookAction}
              fields={{ id: hook.id }}
            />
          </>
        )}
      </div>
      <h2 className="text-lg font-semibold">Deliveries</h2>
      {deliveries.items.length === 0 ? (
        <EmptyState title="No deliveries yet">Events this webhook subscribes to appear here as they are sent.</EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <DataTable
            testId="deliveries-table"
            rows={deliveries.items}
            rowKey={(d) => d.id}
            view={view}
            columns={[
              {
                header: 'Created',
                sortKey: 'createdAt',
                numeric: true,
                className: 'whitespace-nowrap',
                cell: (d) => <Time value={d.createdAt} />,
              },
              { header: 'Event', sortKey: 'eventType', cell: (d) => <code>{d.eventType}</code> },
              { header: 'Status', sortKey: 'status', cell: (d) => <Badge value={d.status} /> },
              { header: 'Attempts', sortKey: 'attempts', numeric: true, cell: (d) => d.attempts },
              { header: 'Response', sortKey: 'responseStatus', numeric: true, cell: (d) => d.responseStatus ?? '—' },
              {
                header: 'Latency',
                sortKey: 'latencyMs',
                numeric: true,
                cell: (d) => (d.latencyMs === null ? '—' : `${d.latencyMs} ms`),
              },
              { header: 'Last error', cell: (d) => <span className="text-xs">{d.lastError ?? ''}</span> },
              { header: 'Next attempt', sortKey: 'nextAttemptAt', numeric: true, cell: (d) => <Time value={d.nextAttemptAt} /> },
              {
                header: <span className="sr-only">Actions</span>,
                cell: (d) =>
                  d.status === 'delivered' || d.status === 'failed' ? (
                    <ActionButton label="Redeliver" action={redeliverAction} fields={{ id: hook.id, deliveryId: d.id }} />
                  ) : null,
              },
            ]}
          />
        </div>
      )}
    </div>
  );
}
