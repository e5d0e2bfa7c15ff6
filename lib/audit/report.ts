import type { Db } from '@/db/client';
import { auditCounts, auditRowsOf } from '@/db/queries/audit-report';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { badRequest } from '../errors';
import { parseRange } from './service';
import { poolWork } from '../pool-work';
import type { ComplianceReport } from './report-build';
import type { ReportQuery } from './schemas';

export type { ComplianceReport } from './report-build';

const MAX_DAYS = 366;

/**
 * What an auditor asks for a period: who got in, who was refused or locked out, whose rights
 * changed. The database counts; the report is put together in the worker pool.
 */
export async function complianceReport(db: Db, principal: Principal, q: ReportQuery): Promise<ComplianceReport> {
  authorize(principal, 'audit:read');
  const { from, to } = parseRange(q.from, q.to) as { from: Date; to: Date };
  if (to.getTime() - from.getTime() > MAX_DAYS * 86_400_000) throw badRequest(`A report covers at most ${MAX_DAYS} days`);
  const end = new Date(to.getTime() + 1);
  const scope = departmentFilter(principal);
  const [counts, roleRows] = await Promise.all([
    auditCounts(db, from, end, scope),
    auditRowsOf(db, ['user.role-change'], from, end, scope, 500),
  ]);
  return poolWork().complianceReport({
    from,
    to,
    scope,
    counts,
    // Only what the report shows crosses to the thread.
    roleChanges: roleRows.map((r) => ({ at: r.at, actorName: r.actorName, detail: r.detail })),
  });
}
