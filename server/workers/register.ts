import { setAuditBatchRunner } from '@/lib/audit/verify';
import { setPoolWork } from '@/lib/pool-work';
import type { ComplianceReport } from '@/lib/audit/report-build';
import { runInPool } from './pool';
import { poolAuditRunner } from './verify-audit';

/**
 * Makes lib/'s CPU-heavy work run on the pool, whichever door asks: audit verification, the audit
 * CSV export, the compliance report, large metric roll-ups. Called at start.
 */
export function registerPoolWork(): void {
  setAuditBatchRunner(poolAuditRunner());
  setPoolWork({
    auditCsv: (rows) => runInPool<string>({ kind: 'audit-csv', rows }),
    complianceReport: (input) => runInPool<ComplianceReport>({ kind: 'compliance-report', input }),
    quantiles: (series, qs) => runInPool<number[][]>({ kind: 'quantiles', series, qs }),
  });
}
