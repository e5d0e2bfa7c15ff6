import type { Db } from '@/db/client';
import { listAudit, type AuditRow } from '@/db/queries/audit';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { badRequest } from '../errors';
import { audit } from './log';
import { verifyAuditChain, type VerifyResult } from './verify';
import { AUDIT_CSV_COLUMNS } from './csv';
import { poolWork } from '../pool-work';
import type { AuditQuery } from './schemas';

export type AuditEntryView = Omit<AuditRow, 'at'> & { at: string };
const view = (r: AuditRow): AuditEntryView => ({ ...r, at: r.at.toISOString() });

/** A date-only `to` means the whole of that day. */
export function parseRange(from?: string, to?: string): { from?: Date; to?: Date } {
  const f = from ? new Date(from) : undefined;
  let t = to ? new Date(to) : undefined;
  if (t && to && /^\d{4}-\d{2}-\d{2}$/.test(to)) t = new Date(t.getTime() + 86_400_000 - 1);
  if (f && t && f > t) throw badRequest('from is after to', [{ path: 'from', message: 'Must not be after to' }]);
  return { from: f, to: t };
}

/** Auditors and super-admins read every row; a department admin reads its departments' rows. */
export async function listAuditEntries(
  db: Db,
  principal: Principal,
  q: AuditQuery,
): Promise<{ items: AuditEntryView[]; nextCursor: string | null }> {
  authorize(principal, 'audit:read');
  const rows = await listAudit(db, { ...filterOf(principal, q) }, q.cursor ? Number(q.cursor) : undefined, q.limit + 1);
  const items = rows.slice(0, q.limit);
  return { items: items.map(view), nextCursor: rows.length > q.limit ? String(items[items.length - 1].id) : null };
}

/** Runs in the worker pool (verify.ts): a long log must not stall the event loop. */
export async function verifyAudit(db: Db, principal: Principal): Promise<VerifyResult> {
  authorize(principal, 'audit:verify');
  return verifyAuditChain(db);
}

export const EXPORT_MAX_ROWS = 50_000;
const EXPORT_PAGE = 1000;
// Pages being turned into CSV while the next is read: enough to keep the threads busy, few enough
// that an export's rows are not all in memory twice.
const EXPORT_IN_FLIGHT = 4;

/**
 * The filtered rows as CSV (newest first, at most EXPORT_MAX_ROWS). This thread reads pages; the
 * worker pool writes their CSV, pages side by side. The export is itself audited.
 */
export async function exportAuditCsv(
  db: Db,
  principal: Principal,
  q: Omit<AuditQuery, 'limit' | 'cursor'>,
): Promise<{ csv: string; rows: number }> {
  authorize(principal, 'audit:read');
  const work = poolWork();
  const chunks: Promise<string>[] = [];
  let before: number | undefined;
  let count = 0;
  while (count < EXPORT_MAX_ROWS) {
    const page = await listAudit(db, filterOf(principal, q), before, Math.min(EXPORT_PAGE, EXPORT_MAX_ROWS - count));
    if (!page.length) break;
    const chunk = work.auditCsv(page);
    chunk.catch(() => undefined); // answered by the await below; never an unhandled rejection meanwhile
    chunks.push(chunk);
    if (chunks.length > EXPORT_IN_FLIGHT) await chunks[chunks.length - 1 - EXPORT_IN_FLIGHT];
    count += page.length;
    before = page[page.length - 1].id;
  }
  const body = (await Promise.all(chunks)).join('');
  await audit(db, principal, { action: 'audit.export', detail: { rows: count, filter: { ...q } } });
  return { csv: `${AUDIT_CSV_COLUMNS.join(',')}\r\n${body}`, rows: count };
}

function filterOf(principal: Principal, q: Pick<AuditQuery, 'actor' | 'action' | 'outcome' | 'from' | 'to'>) {
  return { actor: q.actor, action: q.action, outcome: q.outcome, ...parseRange(q.from, q.to), departmentIds: departmentFilter(principal) };
}
