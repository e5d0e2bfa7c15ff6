import { and, desc, eq, getTableColumns, inArray, sql, type SQL } from 'drizzle-orm';
import { beforeCursor, cursorTime } from '../keyset';
import { mapRow, rowsOf } from '../rows';
import type { Db } from '../client';
import { securityEvents } from '../schema/auth';
import { departments } from '../schema/org';
import { agents, alerts, tasks } from '../schema/work';
import type { AlertStatus } from '../vocabulary';

export type AlertRow = typeof alerts.$inferSelect;
export type NewAlert = typeof alerts.$inferInsert;

const ACTIVE: AlertStatus[] = ['open', 'acknowledged'];

/** Open or acknowledged alerts: the ones a rule may still resolve. */
export async function activeAlerts(db: Db): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(inArray(alerts.status, ['open', 'acknowledged']));
}

/** Active alerts of one kind. */
export async function activeAlertsOfKind(db: Db, kind: string): Promise<AlertRow[]> {
  return db
    .select()
    .from(alerts)
    .where(and(eq(alerts.kind, kind), inArray(alerts.status, ACTIVE)));
}

/** Whether an active alert reports the condition `ruleKey` names (detail.ruleKey). */
export async function hasActiveAlert(db: Db, ruleKey: string): Promise<boolean> {
  const [row] = await db
    .select({ id: alerts.id })
    .from(alerts)
    .where(and(inArray(alerts.status, ACTIVE), sql`${alerts.detail}->>'ruleKey' = ${ruleKey}`))
    .limit(1);
  return !!row;
}

/** First half of every alert lock's key, apart from other advisory locks. */
const ALERT_LOCK_SPACE = 0x45435302;

/** Until the transaction ends, raisers of the same rule key go one at a time. */
export async function lockAlertKey(tx: Db, ruleKey: string): Promise<void> {
  await tx.execute(sql`select pg_advisory_xact_lock(${ALERT_LOCK_SPACE}::int, hashtext(${ruleKey}))`);
}

/**
 * Inserts unless an active alert has the same detail.ruleKey; undefined then. Atomic only under
 * lockAlertKey: two statements that both started before either committed would both insert.
 */
export async function insertAlertUnlessActive(db: Db, a: NewAlert & { detail: { ruleKey: string } }): Promise<AlertRow | undefined> {
  const rows = rowsOf<Record<string, unknown>>(
    await db.execute(sql`insert into ${alerts} (kind, severity, department_id, message, detail, created_at)
      select ${a.kind}, ${a.severity}, ${a.departmentId ?? null}, ${a.message}, ${JSON.stringify(a.detail)}::jsonb, coalesce(${a.createdAt?.toISOString() ?? null}::timestamptz, now())
      where not exists (select 1 from ${alerts} where status in ('open', 'acknowledged') and detail->>'ruleKey' = ${a.detail.ruleKey})
      returning *`),
  );
  return rows[0] ? mapRow(alerts, rows[0]) : undefined;
}

export async function insertAlert(db: Db, a: NewAlert): Promise<AlertRow> {
  const [row] = await db.insert(alerts).values(a).returning();
  return row;
}

/** Inserts unless an alert with the same once-only rule key exists (index alerts_quota_once); undefined then. */
export async function insertAlertOnce(db: Db, a: NewAlert): Promise<AlertRow | undefined> {
  const [row] = await db.insert(alerts).values(a).onConflictDoNothing().returning();
  return row;
}

export async function findAlert(db: Db, id: string): Promise<AlertRow | undefined> {
  const [row] = await db.select().from(alerts).where(eq(alerts.id, id));
  return row;
}

/** `onlyIfStatus`: changes the alert only while its status is one of these (the guard against a concurrent change). */
export async function updateAlert(
  db: Db,
  id: string,
  patch: Partial<NewAlert>,
  onlyIfStatus?: AlertStatus[],
): Promise<AlertRow | undefined> {
  const [row] = await db
    .update(alerts)
    .set(patch)
    .where(onlyIfStatus ? and(eq(alerts.id, id), inArray(alerts.status, onlyIfStatus)) : eq(alerts.id, id))
    .returning();
  return row;
}

export type AlertFilter = {
  status?: string;
  departmentIds: string[] | null;
  departmentId?: string;
  cursor?: { at: string; id: string };
  limit: number;
};

/** Newest first, keyset-paged on (created_at, id); `cursorAt` is created_at to the microsecond (lib/paging/cursor.ts). */
export async function listAlertRows(db: Db, f: AlertFilter): Promise<(AlertRow & { cursorAt: string })[]> {
  const where: SQL[] = [];
  if (f.status === 'active') where.push(inArray(alerts.status, ['open', 'acknowledged']));
  else if (f.status) where.push(eq(alerts.status, f.status as AlertRow['status']));
  if (f.departmentId) where.push(eq(alerts.departmentId, f.departmentId));
  // Confined callers see their departments' alerts only: system-wide ones (security, the fleet's
  // agent limit) speak of every department and its users.
  if (f.departmentIds) where.push(inArray(alerts.departmentId, f.departmentIds.length ? f.departmentIds : ['']));
  if (f.cursor) where.push(beforeCursor(alerts.createdAt, alerts.id, f.cursor));
  return db
    .select({ ...getTableColumns(alerts), cursorAt: cursorTime(alerts.createdAt) })
    .from(alerts)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(alerts.createdAt), desc(alerts.id))
    .limit(f.limit);
}

/** Agents per department that were once online (they have a heartbeat) and are now offline. */
export async function offlineAgentCounts(db: Db) {
  return db
    .select({ departmentId: agents.departmentId, n: sql<number>`count(*)::int` })
    .from(agents)
    .where(and(eq(agents.status, 'offline'), sql`${agents.lastHeartbeatAt} is not null`))
    .groupBy(agents.departmentId);
}

export async function departmentCapacities(db: Db) {
  return db
    .select({ id: departments.id, maxAgents: departments.maxAgents, agents: sql<number>`count(${agents.id})::int` })
    .from(departments)
    .leftJoin(agents, and(eq(agents.departmentId, departments.id), sql`${agents.status} <> 'retired'`))
    .where(eq(departments.status, 'active'))
    .groupBy(departments.id, departments.maxAgents);
}

export async function recentSecurityEvents(db: Db, since: Date) {
  return db
    .select({ kind: securityEvents.kind, n: sql<number>`count(*)::int`, last: sql<string>`max(${securityEvents.at})::text` })
    .from(securityEvents)
    .where(and(sql`${securityEvents.at} >= ${since.toISOString()}::timestamptz`, inArray(securityEvents.severity, ['high', 'critical'])))
    .groupBy(securityEvents.kind);
}

/** Running tasks past twice their estimated duration (timed from the current attempt's hand-out). */
export async function overrunningTasks(db: Db, limit = 50) {
  return db
    .select({
      id: tasks.id,
      title: tasks.title,
      departmentId: tasks.departmentId,
      estimatedMs: tasks.estimatedDurationMs,
      assignedAt: tasks.assignedAt,
      agentId: tasks.assignedAgentId,
    })
    .from(tasks)
    .where(
      sql`${tasks.status} in ('assigned', 'running') and ${tasks.estimatedDurationMs} > 0
        and ${tasks.assignedAt} + 2 * ${tasks.estimatedDurationMs} * interval '1 millisecond' < now()`,
    )
    .orderBy(tasks.assignedAt)
    .limit(limit);
}

/**
 * Departments with tasks due and waiting while none of their agents is online to take work
 * (idle or busy): how many wait and since when the oldest has been due.
 */
export async function stuckQueues(db: Db) {
  return db
    .select({
      departmentId: tasks.departmentId,
      n: sql<number>`count(*)::int`,
      oldest: sql<Date>`min(${tasks.availableAt})`.mapWith((v: string | Date) => new Date(v)),
    })
    .from(tasks)
    .where(
      and(
        eq(tasks.status, 'pending'),
        sql`${tasks.availableAt} <= now()`,
        sql`not exists (select 1 from ${agents} where ${agents.departmentId} = ${tasks.departmentId} and ${agents.status} in ('idle', 'busy'))`,
      ),
    )
    .groupBy(tasks.departmentId);
}
