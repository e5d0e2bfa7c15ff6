import { getDb } from '@/db/client';
import { webhookEventTypes } from '@/db/vocabulary';
import { listWebhooks } from '@/lib/webhooks/service';
import { listDepartments } from '@/lib/departments/service';
import { isGlobal } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { ActionButton } from '@/components/action-button';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { Time } from '@/components/time';
import { DepartmentRef } from '@/components/entity-refs';
import { setWebhookEnabledAction } from './actions';
import { WebhookForm } from './webhook-form';

export default async function WebhooksPage() {
  const principal = await requirePrincipal();
  const db = getDb();
  const [hooks, depts] = await Promise.all([listWebhooks(db, principal, {}), listDepartments(db, principal)]);
  const deptNames: Record<string, string> = Object.fromEntries(depts.map((d) => [d.id, d.name]));
  const targets = [
    ...(isGlobal(principal) ? [{ id: 'global', name: 'All departments (global)' }] : []),
    ...depts.map((d) => ({ id: d.id, name: d.name })),
  ];
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-semibold">Webhooks</h1>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        Signed POSTs (Standard Webhooks) for task, agent, alert and schedule events, retried with back-off for 24 hours. See the API docs
        for how to verify them.
      </p>
      {hooks.items.length === 0 ? (
        <EmptyState title="No webhooks">
          Create one below or with <code>POST /api/v1/webhooks</code>.
        </EmptyState>
      ) : (
        <div className="card overflow-x-auto">
          <DataTable
            testId="webhooks-table"
            rows={hooks.items}
            rowKey={(w) => w.id}
            columns={[
              { header: 'URL', href: (w) => `/webhooks/${w.id}`, strong: true, cell: (w) => <span className="break-all">{w.url}</span> },
              {
                header: 'Department',
                cell: (w) => (w.departmentId ? <DepartmentRef id={w.departmentId} name={deptNames[w.departmentId]} /> : 'global'),
              },
              { header: 'Events', cell: (w) => w.events.join(', ') },
              { header: 'State', cell: (w) => <Badge value={w.enabled ? 'active' : 'paused'} /> },
              { header: 'Source', cell: (w) => (w.source === 'env' ? 'ALERT_WEBHOOK_URL' : (w.createdBy ?? '')) },
              { header: 'Created', numeric: true, cell: (w) => <Time value={w.createdAt} /> },
              {
                header: 'Actions',
                cell: (w) =>
                  w.source === 'env' ? null : (
                    <ActionButton
                      label={w.enabled ? 'Pause' : 'Resume'}
                      action={setWebhookEnabledAction}
                      fields={{ id: w.id, enabled: w.enabled ? 'off' : 'on' }}
                    />
                  ),
              },
            ]}
          />
        </div>
      )}
      {targets.length > 0 && <WebhookForm departments={targets} events={webhookEventTypes} />}
    </div>
  );
}
