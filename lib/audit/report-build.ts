import type { AuditCount } from '../../db/queries/audit-report';

/**
 * The compliance report assembled from what the database counted. Runs in the worker pool's
 * threads, beside the CSV export: plain data in and out, relative imports only.
 */
export type ComplianceReport = {
  from: string;
  to: string;
  scope: 'all' | string[];
  logins: { succeeded: number; failed: number; refused: number };
  lockouts: number;
  roleChanges: { at: string; actor: string | null; username: unknown; from: unknown; to: unknown }[];
  deniedActions: number;
  passwordResets: number;
  tokensCreated: number;
  tokenReuse: number;
  writes: number;
};

export type ReportInput = {
  from: Date;
  to: Date;
  scope: string[] | null;
  counts: AuditCount[];
  roleChanges: { at: Date; actorName: string | null; detail: Record<string, unknown> }[];
};

export function buildComplianceReport({ from, to, scope, counts, roleChanges }: ReportInput): ComplianceReport {
  const n = (action: string, outcome?: string) =>
    counts.filter((c) => c.action === action && (!outcome || c.outcome === outcome)).reduce((a, c) => a + c.n, 0);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    scope: scope ?? 'all',
    logins: { succeeded: n('auth.login', 'success'), failed: n('auth.login', 'failure'), refused: n('auth.login', 'denied') },
    lockouts: n('auth.lockout'),
    roleChanges: roleChanges.map((r) => ({
      at: r.at.toISOString(),
      actor: r.actorName,
      username: r.detail.username,
      from: r.detail.from,
      to: r.detail.to,
    })),
    deniedActions: n('access.denied'),
    passwordResets: n('user.password-reset'),
    tokensCreated: n('token.create'),
    tokenReuse: n('auth.refresh-reuse'),
    writes: counts
      .filter((c) => c.outcome === 'success' && !c.action.startsWith('auth.') && !c.action.startsWith('audit.'))
      .reduce((a, c) => a + c.n, 0),
  };
}
