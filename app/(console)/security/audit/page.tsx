import { getDb } from '@/db/client';
import { reportQuery } from '@/lib/audit/schemas';
import { auditSortKeys, auditTable, auditTableQuery } from '@/lib/audit/table';
import { complianceReport } from '@/lib/audit/report';
import { hasPermission } from '@/lib/permissions/rbac';
import { AppError } from '@/lib/errors';
import { requirePrincipal } from '@/app/_lib/session';
import { tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { StatTile } from '@/components/stat-tile';
import { VerifyButton } from './verify-button';
import { Time } from '@/components/time';
import { DepartmentRef } from '@/components/entity-refs';
import { resolveNames } from '@/lib/org/names';

type SP = Record<string, string | undefined>;
const FILTERS = ['actor', 'action', 'outcome', 'from', 'to'] as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<SP> }) {
  const principal = await requirePrincipal();
  if (!hasPermission(principal, 'audit:read')) {
    return (
      <EmptyState title="The audit log is for auditors and administrators">Your role ({principal.role}) can&apos;t read it.</EmptyState>
    );
  }
  const sp = await searchParams;
  const filters = Object.fromEntries(FILTERS.filter((k) => sp[k]).map((k) => [k, sp[k]!]));
  const table = tableParams(sp, auditSortKeys);
  const parsed = auditTableQuery.safeParse({ ...filters, ...table });
  const db = getDb();
  const page = parsed.success ? await withCursorOrFirst(parsed.data, (q) => auditTable(db, principal, q)).catch(badInput) : undefined;
  const names = await resolveNames(db, { departments: page?.items.map((r) => r.departmentId) ?? [] });
  const view = page && tableView('/security/audit', filters, page, table, 'entries');
  const today = new Date().toISOString().slice(0, 10);
  const monthAgo = new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10);
  const rq = reportQuery.safeParse({ from: sp.reportFrom ?? monthAgo, to: sp.reportTo ?? today });
  const report = rq.success ? await complianceReport(db, principal, rq.data).catch(badInput) : undefined;
  const qs = new URLSearchParams(filters).toString();
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center justify-between gap-3">
        <h1 className="text-2xl font-semibold">Audit log</h1>
        <div className="flex items-center gap-3">
          {hasPermission(principal, 'audit:verify') && <VerifyButton />}
          <a className="btn-secondary" href={`/api/v1/audit/export${qs ? `?${qs}` : ''}`} download data-testid="csv-export">
            Export CSV
          </a>
        </div>
      </div>
      <form className="card grid gap-3 sm:grid-cols-3 lg:grid-cols-6" aria-label="Filter the audit log">
        {/* A new filter keeps the sort and page size, and starts at the first page. */}
        {(['sort', 'order', 'limit'] as const).map((k) => sp[k] && <input key={k} type="hidden" name={k} value={sp[k]} />)}
        <Field name="actor" label="Actor (name or id)" value={sp.actor} />
        <Field name="action" label="Action (e.g. user.*)" value={sp.action} />
        <div>
          <label htmlFor="f-outcome" className="mb-1 block text-sm font-medium">
            Outcome
          </label>
          <select id="f-outcome" name="outcome" defaultValue={sp.outcome ?? ''} className="input">
            <option value="">any</option>
            <option>success</option>
            <option>denied</option>
            <option>failure</option>
          </select>
        </div>
        <Field name="from" label="From" value={sp.from} type="date" />
        <Field name="to" label="To" value={sp.to} type="date" />
        <div className="flex items-end">
          <button type="submit" className="btn">
            Filter
          </button>
        </div>
      </form>
      {!parsed.success || !page ? (
        <p role="alert" className="text-sm text-red-600">
          Those filters aren&apos;t valid:{' '}
          {parsed.success ? 'check the dates' : parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}
        </p>
      ) : (
        <section className="card overflow-x-auto">
          {page.items.length === 0 ? (
            <EmptyState title="No matching entries">Widen the filters.</EmptyState>
          ) : (
            <DataTable
              testId="audit-table"
              rows={page.items}
              rowKey={(r) => r.id}
              view={view}
              columns={[
                { header: '#', sortKey: 'id', numeric: true, cell: (r) => r.id },
                { header: 'When', sortKey: 'at', className: 'whitespace-nowrap', numeric: true, cell: (r) => <Time value={r.at} /> },
                { header: 'Actor', sortKey: 'actor', cell: (r) => r.actorName ?? r.actorType },
                { header: 'Action', sortKey: 'action', className: 'font-medium', cell: (r) => r.action },
                {
                  header: 'Outcome',
                  sortKey: 'outcome',
                  cell: (r) => (
                    <>
                      <Badge value={r.outcome === 'success' ? 'ok' : r.outcome === 'denied' ? 'high' : 'failed'} />{' '}
                      <span className="text-xs">{r.outcome}</span>
                    </>
                  ),
                },
                { header: 'Target', className: 'text-xs', cell: (r) => (r.targetType ? `${r.targetType}:${r.targetId ?? ''}` : '—') },
                { header: 'Dept', cell: (r) => <DepartmentRef id={r.departmentId} names={names} /> },
                { header: 'IP', numeric: true, cell: (r) => r.ip ?? '—' },
                {
                  header: 'Detail',
                  className: 'max-w-xs truncate text-xs',
                  title: (r) => JSON.stringify(r.detail),
                  cell: (r) => JSON.stringify(r.detail),
                },
              ]}
            />
          )}
        </section>
      )}
      <section className="space-y-3" aria-label="Compliance report">
        <form className="card flex flex-wrap items-end gap-3">
          <h2 className="mr-auto font-semibold">Compliance report</h2>
          <Field name="reportFrom" label="From" value={rq.success ? rq.data.from : monthAgo} type="date" />
          <Field name="reportTo" label="To" value={rq.success ? rq.data.to : today} type="date" />
          <button type="submit" className="btn">
            Report
          </button>
        </form>
        {report ? (
          <>
            <div className="grid grid-cols-2 gap-4 lg:grid-cols-6" data-testid="compliance-report">
              <StatTile
                label="Logins"
                value={report.logins.succeeded}
                hint={`${report.logins.failed} failed · ${report.logins.refused} refused`}
              />
              <StatTile label="Lockouts" value={report.lockouts} />
              <StatTile label="Role changes" value={report.roleChanges.length} />
              <StatTile label="Denied actions" value={report.deniedActions} />
              <StatTile label="Password resets" value={report.passwordResets} />
              <StatTile label="Token reuse" value={report.tokenReuse} />
            </div>
            {report.roleChanges.length > 0 && (
              <div className="card overflow-x-auto">
                <DataTable
                  rows={report.roleChanges}
                  rowKey={(_, i) => i}
                  columns={[
                    { header: 'When', numeric: true, cell: (c) => <Time value={c.at} /> },
                    { header: 'By', cell: (c) => c.actor },
                    { header: 'User', cell: (c) => String(c.username) },
                    { header: 'From', cell: (c) => String(c.from) },
                    { header: 'To', cell: (c) => String(c.to) },
                  ]}
                />
              </div>
            )}
          </>
        ) : (
          <p role="alert" className="text-sm text-red-600">
            Choose a period of at most a year, from before to.
          </p>
        )}
      </section>
    </div>
  );
}

function Field({ name, label, value, type = 'text' }: { name: string; label: string; value?: string; type?: string }) {
  return (
    <div>
      <label htmlFor={`f-${name}`} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      <input id={`f-${name}`} name={name} type={type} defaultValue={value} className="input" />
    </div>
  );
}

/** A bad date range is the user's input, shown as a message, not an error page. */
function badInput(err: unknown): undefined {
  if (err instanceof AppError && err.status === 400) return undefined;
  throw err;
}
