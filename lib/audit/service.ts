import type { Db } from '@/db/client';
import { listAudit, type AuditRow } from '@/db/queries/audit';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { badRequest } from '../errors';
import { audit } from './log';
import { verifyAuditChain, type VerifyResult } from './verify';
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
const columns = [
  'id',
  'at',
  'actorType',
  'actorId',
  'actorName',
  'action',
  'outcome',
  'targetType',
  'targetId',
  'departmentId',
  'ip',
  'detail',
  'hash',
] as const;

/** The filtered rows as CSV (newest first, at most EXPORT_MAX_ROWS). The export is itself audited. */
export async function exportAuditCsv(
  db: Db,
  principal: Principal,
  q: Omit<AuditQuery, 'limit' | 'cursor'>,
): Promise<{ csv: string; rows: number }> {
  authorize(principal, 'audit:read');
  const lines = [columns.join(',')];
  let before: number | undefined;
  let count = 0;
  while (count < EXPORT_MAX_ROWS) {
    const page = await listAudit(db, filterOf(principal, q), before, Math.min(1000, EXPORT_MAX_ROWS - count));
    if (!page.length) break;
    for (const r of page)
      lines.push(columns.map((c) => csvCell(c === 'at' ? r.at.toISOString() : c === 'detail' ? JSON.stringify(r.detail) : r[c])).join(','));
    count += page.length;
    before = page[page.length - 1].id;
  }
  await audit(db, principal, { action: 'audit.export', detail: { rows: count, filter: { ...q } } });
  return { csv: lines.join('\r\n') + '\r\n', rows: count };
}

/**
 * RFC 4180 quoting, plus a leading ' on cells a spreadsheet would run as a formula: an attacker
 * controls usernames and details, and must not get code run when an auditor opens the export.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return '';
  let s = String(value);
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n']/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function filterOf(principal: Principal, q: Pick<AuditQuery, 'actor' | 'action' | 'outcome' | 'from' | 'to'>) {
  return { actor: q.actor, action: q.action, outcome: q.outcome, ...parseRange(q.from, q.to), departmentIds: departmentFilter(principal) };
}
