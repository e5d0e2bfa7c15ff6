/**
 * Work run inside the pool's threads. Plain functions of plain data (structured-clone), relative
 * imports only: a worker thread has no bundler aliases to lean on.
 */
import { checkAuditPage, walkAuditPage, type PageText } from '../../lib/audit/check';
import type { ChainKeys } from '../../lib/audit/chain';
import { auditCsvLines } from '../../lib/audit/csv';
import { buildComplianceReport, type ReportInput } from '../../lib/audit/report-build';
import { quantilesOf } from '../../lib/metrics/rolling';
import type { AuditRow } from '../../db/queries/audit';

export type Task =
  | { kind: 'audit-walk'; page: PageText }
  | { kind: 'audit-check'; page: PageText & { keys: ChainKeys } }
  | { kind: 'audit-csv'; rows: AuditRow[] }
  | { kind: 'compliance-report'; input: ReportInput }
  | { kind: 'quantiles'; series: Float64Array[]; qs: number[] };

export default function run(task: Task) {
  switch (task.kind) {
    case 'audit-walk':
      return walkAuditPage(task.page);
    case 'audit-check':
      return checkAuditPage(task.page);
    case 'audit-csv':
      return auditCsvLines(task.rows);
    case 'compliance-report':
      return buildComplianceReport(task.input);
    case 'quantiles':
      return quantilesOf(task.series, task.qs);
    default:
      throw new Error(`unknown task ${(task as { kind: string }).kind}`);
  }
}
