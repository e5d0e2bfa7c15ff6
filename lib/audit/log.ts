import { appendFile } from 'node:fs/promises';
import type { Db } from '@/db/client';
import { appendAuditRow, auditPage, type AuditRow } from '@/db/queries/audit';
import type { Principal } from '../auth/rbac';
import { GENESIS_HASH, hashAuditRow, type AuditFields } from './chain';

export type AuditEntry = {
  action: string;
  outcome?: AuditFields['outcome'];
  targetType?: string;
  targetId?: string;
  departmentId?: string | null;
  detail?: Record<string, unknown>;
};

export type Actor = Pick<Principal, 'kind' | 'id' | 'name' | 'ip'> | { kind: 'system' | 'anonymous'; id?: string; name?: string; ip?: string };

/** Appends one hash-chained row, and a JSON line to AUDIT_LOG_PATH when set (for a SIEM). */
export async function audit(db: Db, actor: Actor, entry: AuditEntry): Promise<AuditRow> {
  const at = new Date();
  const fields: AuditFields = {
    at,
    actorType: actor.kind,
    actorId: actor.id ?? null,
    actorName: actor.name ?? null,
    action: entry.action,
    targetType: entry.targetType ?? null,
    targetId: entry.targetId ?? null,
    departmentId: entry.departmentId ?? null,
    ip: actor.ip ?? null,
    outcome: entry.outcome ?? 'success',
    detail: JSON.parse(JSON.stringify(entry.detail ?? {})),
  };
  const row = await appendAuditRow(db, (prev) => {
    const prevHash = prev ?? GENESIS_HASH;
    return { ...fields, prevHash, hash: hashAuditRow(prevHash, fields) };
  });
  const file = process.env.AUDIT_LOG_PATH;
  if (file) await appendFile(file, JSON.stringify(row) + '\n').catch(() => {});
  return row;
}

export type VerifyResult = { ok: boolean; checked: number; firstBrokenId?: number; reason?: string };

/** Walks the whole chain; an edited row fails its own hash, a deleted one breaks the next row's link. */
export async function verifyAuditChain(db: Db): Promise<VerifyResult> {
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  for (;;) {
    const page = await auditPage(db, lastId, 1000);
    if (!page.length) return { ok: true, checked };
    for (const row of page) {
      checked++;
      if (row.prevHash !== prevHash) {
        // A gap in the ids with a broken link means the rows in the gap were deleted: name the first.
        const deleted = row.id - lastId > 1;
        return {
          ok: false,
          checked,
          firstBrokenId: deleted ? lastId + 1 : row.id,
          reason: deleted ? `rows ${lastId + 1}..${row.id - 1} are missing` : 'link to the previous row is broken',
        };
      }
      if (hashAuditRow(row.prevHash, fieldsOf(row)) !== row.hash) return { ok: false, checked, firstBrokenId: row.id, reason: 'row content does not match its hash' };
      prevHash = row.hash;
      lastId = row.id;
    }
  }
}

function fieldsOf(row: AuditRow): AuditFields {
  return {
    at: row.at,
    actorType: row.actorType,
    actorId: row.actorId,
    actorName: row.actorName,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    departmentId: row.departmentId,
    ip: row.ip,
    outcome: row.outcome,
    detail: row.detail,
  };
}
