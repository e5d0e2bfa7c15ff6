import { desc, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { auditLog } from '../schema/auth';

export async function lastAuditRow(db: Db) {
  const [row] = await db.select({ id: auditLog.id, hash: auditLog.hash }).from(auditLog).orderBy(desc(auditLog.id)).limit(1);
  return row;
}

/**
 * Inserts rows with their ids, MACs and hashes as given, in one statement (JSON in, one parse).
 * For bulk fixtures of benchmarks and tests only; call moveAuditIdsPast() after the last.
 */
export async function appendAuditRowsRaw(db: Db, rows: Record<string, unknown>[]): Promise<void> {
  await db.execute(sql`insert into audit_log (id, at, actor_type, actor_id, actor_name, action, target_type, target_id, department_id, ip, outcome, detail, mac, prev_hash, hash)
    overriding system value
    select id, at, "actorType", "actorId", "actorName", action, "targetType", "targetId", "departmentId", ip, outcome, detail, mac, "prevHash", hash
    from jsonb_to_recordset(${JSON.stringify(rows)}::jsonb) as r(id bigint, at timestamptz, "actorType" text, "actorId" text, "actorName" text, action text,
      "targetType" text, "targetId" text, "departmentId" text, ip text, outcome text, detail jsonb, mac text, "prevHash" text, hash text)`);
}

export async function moveAuditIdsPast(db: Db): Promise<void> {
  await db.execute(sql`select setval(pg_get_serial_sequence('audit_log', 'id'), (select max(id) from audit_log))`);
}

/** Tests only: no rows, ids from 1 again, and the index a test may have dropped back. */
export async function emptyAuditLog(db: Db): Promise<void> {
  await db.execute(sql`truncate audit_log restart identity`);
  await db.execute(sql`create unique index if not exists audit_mac on audit_log using btree (mac)`);
}
