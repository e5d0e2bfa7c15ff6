import Link from 'next/link';
import { getDb } from '@/db/client';
import { listSecurityEvents, severities, type Severity } from '@/lib/security/events';
import { hasPermission } from '@/lib/permissions/rbac';
import { requirePrincipal } from '@/app/_lib/session';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { LiveSecurityAlerts } from './live-alerts';
import { Time } from '@/components/time';

const kinds = ['account-lockout', 'brute-force', 'credential-stuffing', 'refresh-token-reuse', 'denied-burst', 'new-ip-login'];

export default async function SecurityPage({
  searchParams,
}: {
  searchParams: Promise<{ kind?: string; severity?: string; cursor?: string }>;
}) {
  const principal = await requirePrincipal();
  const sp = await searchParams;
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
  const { items, nextCursor } = await listSecurityEvents(getDb(), principal, {
    kind,
    severity,
    limit: 100,
    cursor: sp.cursor?.slice(0, 200) || undefined,
  }).catch(() => listSecurityEvents(getDb(), principal, { kind, severity, limit: 100 }));
  return (
    <div className="space-y-6">
      <div className="flex items-center justify-between">
        <h1 className="text-2xl font-semibold">Security</h1>
        {auditLink}
      </div>
      <LiveSecurityAlerts />
      <form className="card flex flex-wrap items-end gap-3" aria-label="Filter security events">
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
            columns={[
              { header: 'When', className: 'whitespace-nowrap', numeric: true, cell: (e) => <Time value={e.at} /> },
              { header: 'Event', className: 'font-medium', cell: (e) => e.kind },
              { header: 'Severity', cell: (e) => <Badge value={e.severity} /> },
              { header: 'User', cell: (e) => e.username ?? '—' },
              { header: 'IP', numeric: true, cell: (e) => e.ip ?? '—' },
              { header: 'Detail', className: 'text-xs', cell: (e) => JSON.stringify(e.detail) },
            ]}
          />
        )}
        {nextCursor && (
          <Link
            className="btn-secondary mt-3"
            href={`/security?${new URLSearchParams({ ...(kind ? { kind } : {}), ...(severity ? { severity } : {}), cursor: nextCursor })}`}
          >
            Older
          </Link>
        )}
      </section>
    </div>
  );
}
