import { AppError } from '../errors';
import type { QuotaName } from './schemas';

/** A rate quota spent for now: 429, Retry-After, and the problem names the quota. */
export function rateQuotaExceeded(quota: QuotaName, limit: number, retryAfter: number, scope: Record<string, string>): AppError {
  const who = scope.departmentId ? `Department ${scope.departmentId}` : 'This API token';
  return new AppError(429, 'Too Many Requests', `${who} is over its ${quota} quota (${limit} a minute); retry in ${retryAfter} s`, {
    quota,
    limit,
    ...scope,
    retryAfter,
  });
}

/** A cap reached: 409 naming it, with its limit and what is used. */
export function capQuotaReached(quota: QuotaName, departmentId: string, limit: number, used: number): AppError {
  const what = quota === 'maxMonthlyCost' ? `monthly cost ${used} of ${limit}` : `${used} pending tasks of ${limit}`;
  return new AppError(409, 'Conflict', `Department ${departmentId} is at its ${quota} quota (${what}): no new task until it goes down`, {
    quota,
    limit,
    used,
    departmentId,
  });
}

/**
 * The insert trigger of migration 0012 refuses a task past a cap with SQLSTATE EQ409, the quota as
 * message and {limit, used} as detail. That error as the 409 above, or undefined for any other.
 */
export function capRefusal(err: unknown, departmentId?: string): AppError | undefined {
  const e = err as { code?: string; message?: string; detail?: string; cause?: { code?: string; message?: string; detail?: string } };
  const pg = e?.cause?.code ? e.cause : e;
  if (pg?.code !== 'EQ409') return undefined;
  const quota = pg.message === 'maxMonthlyCost' ? 'maxMonthlyCost' : 'maxPendingTasks';
  let d: { limit?: number; used?: number; departmentId?: string } = {};
  try {
    d = JSON.parse(pg.detail ?? '{}');
  } catch {
    // a detail that isn't JSON leaves the numbers out
  }
  return capQuotaReached(quota, d.departmentId ?? departmentId ?? '', Number(d.limit ?? 0), Math.round(Number(d.used ?? 0) * 100) / 100);
}
