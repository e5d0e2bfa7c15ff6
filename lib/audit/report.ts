import type { Db } from '@/db/client';
import { auditCounts, auditRowsOf } from '@/db/queries/audit-report';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { badRequest } from '../errors';
import { parseRange } from './service';
import type { ReportQuery } from './schemas';

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

const MAX_DAYS = 366;

/** What an auditor asks for a period: who got in, who was refused or locked out, whose rights changed. */
export async function complianceReport(db: Db, principal: Principal, q: ReportQuery): Promise<ComplianceReport> {
  authorize(principal, 'audit:read');
  const { from, to } = parseRange(q.from, q.to) as { from: Date; to: Date };
  if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) throw badRequest(`A report covers at most ${MAX_DAYS} days`);
  const end = new Date(to.getTime() + 1);
  const scope = departmentFilter(principal);
  const counts = await auditCounts(db, from, end, scope);
  const n = (action: string, outcome?: string) =>
    counts.filter((c) => c.action === action && (!outcome || c.outcome === outcome)).reduce((a, c) => a + c.n, 0);
  const roleRows = await auditRowsOf(db, ['user.role-change'], from, end, scope, 500);
  return {
    from: from.toISOString(),
    to: to.toISOString(),
    scope: scope ?? 'all',
    logins: { succeeded: n('auth.login', 'success'), failed: n('auth.login', 'failure'), refused: n('auth.login', 'denied') },
    lockouts: n('auth.lockout'),
    roleChanges: roleRows.map((r) => ({
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
