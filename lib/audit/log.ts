import { getDbHandle, type Db } from '@/db/client';
import { auditPage, insertAuditRow, type AuditRow } from '@/db/queries/audit';
import type { Principal } from '../auth/rbac';
import { GENESIS_HASH, hashAuditRow, rowFields, type AuditFields } from './chain';
import { chainPending, scheduleChain } from './chain-writer';

export type AuditEntry = {
  action: string;
  outcome?: AuditFields['outcome'];
  targetType?: string;
  targetId?: string;
  departmentId?: string | null;
  detail?: Record<string, unknown>;
};

export type Actor = Pick<Principal, 'kind' | 'id' | 'name' | 'ip'> | { kind: 'system' | 'anonymous'; id?: string; name?: string; ip?: string };

/**
 * Records one audited action. Pass the caller's transaction to make the record part of the write
 * it describes; the row joins the hash chain a moment later (chain-writer.ts).
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
  const v = auditValues(actor, entry);
  const params = [v.at.toISOString(), v.actorType, v.actorId, v.actorName, v.action, v.targetType, v.targetId, v.departmentId, v.ip, v.outcome, JSON.stringify(v.detail)];
  const [at, ...rest] = params.map((_, i) => `$${first + i}`);
  const detail = rest.pop();
  return {
    text: `insert into audit_log (at, actor_type, actor_id, actor_name, action, target_type, target_id, department_id, ip, outcome, detail)
      values (${at}::timestamptz, ${rest.map((p) => `${p}::text`).join(', ')}, ${detail}::jsonb)`,
    params,
  };
}

/** Chain on the process's database, not a transaction that is about to end. */
export function auditWritten(db: Db): void {
  scheduleChain(getDbHandle()?.db ?? db);
}

function auditValues(actor: Actor, entry: AuditEntry) {
  return {
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
}

export type VerifyResult = { ok: boolean; checked: number; pending: number; firstBrokenId?: number; reason?: string };

/**
 * Chains what is pending, then walks the whole chain: an edited row fails its own hash, a deleted
 * one breaks the next row's link, and an unchained row before chained ones was tampered with.
 */
export async function verifyAuditChain(db: Db): Promise<VerifyResult> {
  await chainPending(db);
  let prevHash = GENESIS_HASH;
  let lastId = 0;
  let checked = 0;
  let pending = 0;
  for (;;) {
    const page = await auditPage(db, lastId, 1000);
    if (!page.length) return { ok: true, checked, pending };
    for (const row of page) {
      if (row.hash === null || row.prevHash === null) {
        pending++;
        lastId = row.id;
        continue;
      }
      if (pending > 0) return { ok: false, checked, pending, firstBrokenId: lastId - pending + 1, reason: 'an unchained row sits before chained ones' };
      checked++;
      if (row.prevHash !== prevHash) {
        // A gap in the ids with a broken link means the rows in the gap were deleted: name the first.
        const deleted = row.id - lastId > 1;
        return {
          ok: false,
          checked,
          pending,
          firstBrokenId: deleted ? lastId + 1 : row.id,
          reason: deleted ? `rows ${lastId + 1}..${row.id - 1} are missing` : 'link to the previous row is broken',
        };
      }
      if (hashAuditRow(row.prevHash, rowFields(row)) !== row.hash) return { ok: false, checked, pending, firstBrokenId: row.id, reason: 'row content does not match its hash' };
      prevHash = row.hash;
      lastId = row.id;
    }
  }
}
