import type { AuditRow } from '@/db/queries/audit';
import type { ComplianceReport, ReportInput } from './audit/report-build';

/**
 * CPU-heavy work lib/ hands off the main thread: the worker pool (server/workers/register.ts)
 * registers itself here at start, as it does for audit verification (audit/verify.ts).
 */
export type PoolWork = {
  /** Audit rows as CSV lines (audit/csv.ts). */
  auditCsv: (rows: AuditRow[]) => Promise<string>;
  /** The compliance report from the database's counts (audit/report-build.ts). */
  complianceReport: (input: ReportInput) => Promise<ComplianceReport>;
  /** Each series' quantiles, sorting it (metrics/rolling.ts quantilesOf). */
  quantiles: (series: Float64Array[], qs: number[]) => Promise<number[][]>;
};

export function setPoolWork(work: PoolWork | undefined): void {
  (globalThis as { __ecsPoolWork?: PoolWork }).__ecsPoolWork = work;
}

/** The pool's work; undefined where no pool was started (a tool, a unit test). */
export function poolWorkIfStarted(): PoolWork | undefined {
  return (globalThis as { __ecsPoolWork?: PoolWork }).__ecsPoolWork;
}

/** For work that runs only in the pool. */
export function poolWork(): PoolWork {
  const work = poolWorkIfStarted();
  if (!work) throw new Error('The worker pool is not started: this work runs only there');
  return work;
}
