import { getDbHandle, type Db } from '@/db/client';
import { auditInsertStatement, insertAuditRow, type AuditRow } from '@/db/queries/audit';
import type { Principal } from '../permissions/rbac';
import { rowMac, type AuditFields } from './chain';
import { scheduleChain } from './chain-writer';
import { auditKeys } from './keys';

export type AuditEntry = {
  action: string;
  outcome?: AuditFields['outcome'];
  targetType?: string;
  targetId?: string;
  departmentId?: string | null;
  detail?: Record<string, unknown>;
};

export type Actor =
  | Pick<Principal, 'kind' | 'id' | 'name' | 'ip'>
  | { kind: 'system' | 'anonymous'; id?: string; name?: string; ip?: string };

/**
 * Records one audited action. Pass the caller's transaction to make the record part of the write
 * it describes. The row carries its MAC from the start (same statement); it joins the hash chain
 * a moment later (chain-writer.ts).
 */
export async function audit(db: Db, actor: Actor, entry: AuditEntry): Promise<AuditRow> {
  const row = await insertAuditRow(db, auditValues(actor, entry));
  auditWritten(db);
  return row;
}

/**
 * The insert of an audit row as statement text with its parameters numbered from `first`, not
 * run: single-statement writes embed it as a CTE so the record commits with the change it
 * describes. Call auditWritten() once the statement ran.
 */
export function auditInsertText(first: number, actor: Actor, entry: AuditEntry): { text: string; params: unknown[] } {
  return auditInsertStatement(first, auditValues(actor, entry));
}

/** Chain on the process's database, not a transaction that is about to end. */
export function auditWritten(db: Db): void {
  scheduleChain(getDbHandle()?.db ?? db);
}

/** The row as stored, and its MAC over exactly that (the detail as jsonb will hand it back). */
function auditValues(actor: Actor, entry: AuditEntry) {
  const fields: AuditFields = {
    at: new Date(),
    actorType: actor.kind,
    actorId: actor.id || null,
    actorName: actor.name ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    departmentId: entry.departmentId ?? null,
    ip: actor.ip ?? null,
    outcome: entry.outcome ?? 'success',
    detail: JSON.parse(JSON.stringify(entry.detail ?? {})) as Record<string, unknown>,
  };
  return { ...fields, mac: rowMac(auditKeys().row, fields) };
}
