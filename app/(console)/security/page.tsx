import Link from 'next/link';
import { getDb } from '@/db/client';
import { severities, type Severity } from '@/lib/security/events';
import { securityEventSortKeys, securityEventTable } from '@/lib/security/event-table';
import { hasPermission } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { single } from '@/app/_lib/search-params';
import { tableParams, tableView, withCursorOrFirst } from '@/app/_lib/table-params';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { LiveSecurityAlerts } from './live-alerts';
import { Time } from '@/components/time';

const kinds = ['account-lockout', 'brute-force', 'credential-stuffing', 'refresh-token-reuse', 'denied-burst', 'new-ip-login'];

export default async function SecurityPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const principal = await requirePrincipal();
  const sp = single(await searchParams);
  const canAudit = hasPermission(principal, 'audit:read');
  const auditLink = canAudit && (
    <Link href="/security/audit" className="btn-secondary">
      Audit log
    </Link>
  );
  if (!hasPermission(principal, 'security:read')) {
    return (
      <div className="space-y-6">
        <div className="flex items-center justify-between">
          <h1 className="text-2xl font-semibold">Security</h1>
          {auditLink}
        </div>
        <EmptyState title="Security events are for super-admins and auditors">
          {canAudit ? 'You can read the audit log of your departments.' : `Your role (${principal.role}) can't see them.`}
        </EmptyState>
      </div>
    );
  }
  const kind = kinds.includes(sp.kind ?? '') ? sp.kind : undefined;
  const severity = (severities as readonly string[]).includes(sp.severity ?? '') ? (sp.severity as Severity) : undefined;
  const table = tableParams(sp, securityEventSortKeys);
  const page = await withCursorOrFirst({ kind, severity, ...table }, (q) => securityEventTable(getDb(), principal, q));
  const items = page.items;
  const view = tableView('/security', { kind, severity }, page, table, 'events');
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Security</h1>
        {auditLink}
      </div>
      <LiveSecurityAlerts />
      <form className="card flex flex-wrap items-end gap-3" aria-label="Filter security events">
        {/* A new filter keeps the sort and page size, and starts at the first page. */}
        {(['sort', 'order', 'limit'] as const).map((k) => sp[k] && <input key={k} type="hidden" name={k} value={sp[k]} />)}
        <div>
          <label htmlFor="sec-kind" className="mb-1 block text-sm font-medium">
            Kind
          </label>
          <select id="sec-kind" name="kind" defaultValue={kind ?? ''} className="input">
            <option value="">any</option>
            {kinds.map((k) => (
              <option key={k}>{k}</option>
            ))}
          </select>
        </div>
        <div>
          <label htmlFor="sec-sev" className="mb-1 block text-sm font-medium">
            Severity
          </label>
          <select id="sec-sev" name="severity" defaultValue={severity ?? ''} className="input">
            <option value="">any</option>
            {severities.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </div>
        <button type="submit" className="btn">
          Filter
        </button>
      </form>
      <section className="card overflow-x-auto">
        {items.length === 0 ? (
          <EmptyState title="No security events">
            Lockouts, brute force, credential stuffing, token reuse and denied-request bursts appear here.
          </EmptyState>
        ) : (
          <DataTable
            testId="security-events"
            rows={items}
            rowKey={(e) => e.id}
            view={view}
            columns={[
              { header: 'When', sortKey: 'at', className: 'whitespace-nowrap', numeric: true, cell: (e) => <Time value={e.at} /> },
              { header: 'Event', sortKey: 'kind', className: 'font-medium', cell: (e) => e.kind },
              { header: 'Severity', sortKey: 'severity', cell: (e) => <Badge value={e.severity} /> },
              { header: 'User', sortKey: 'username', cell: (e) => e.username ?? '—' },
              { header: 'IP', sortKey: 'ip', numeric: true, cell: (e) => e.ip ?? '—' },
              { header: 'Detail', className: 'text-xs', cell: (e) => JSON.stringify(e.detail) },
            ]}
          />
        )}
      </section>
    </div>
  );
}
