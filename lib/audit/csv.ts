import type { AuditRow } from '../../db/queries/audit';

/**
 * Audit rows as CSV text. Runs in the worker pool's threads (a 50,000-row export is seconds of
 * JSON and quoting that must not stall the event loop): plain data in and out, relative imports only.
 */
export const AUDIT_CSV_COLUMNS = [
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

/** One CSV line per row (each ended by CRLF), in the order given. */
export function auditCsvLines(rows: readonly AuditRow[]): string {
  let out = '';
  for (const r of rows)
    out += `${AUDIT_CSV_COLUMNS.map((c) => csvCell(c === 'at' ? r.at.toISOString() : c === 'detail' ? JSON.stringify(r.detail) : r[c])).join(',')}\r\n`;
  return out;
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
