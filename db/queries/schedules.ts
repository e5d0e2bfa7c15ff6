import { and, asc, desc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { scheduleFirings, schedules } from '../schema/schedules';
import { tasks } from '../schema/work';

export type ScheduleRow = typeof schedules.$inferSelect;
export type NewSchedule = typeof schedules.$inferInsert;

/** Enabled schedules with a firing due by `now`, most overdue first. */
export function dueSchedules(db: Db, now: Date, limit: number): Promise<ScheduleRow[]> {
  return db
    .select()
    .from(schedules)
    .where(and(eq(schedules.enabled, true), lte(schedules.nextFireAt, now)))
    .orderBy(asc(schedules.nextFireAt))
    .limit(limit);
}

/**
 * Moves a schedule's next firing forward, never back, and only while its pattern is the one the
 * caller enumerated (an edit meanwhile has set its own next firing).
 */
export async function advanceSchedule(db: Db, s: Pick<ScheduleRow, 'id' | 'cron' | 'timezone'>, next: Date | null): Promise<void> {
  await db
    .update(schedules)
    .set({ nextFireAt: next })
    .where(
      and(
        eq(schedules.id, s.id),
        eq(schedules.enabled, true),
        eq(schedules.cron, s.cron),
        eq(schedules.timezone, s.timezone),
        next ? sql`${schedules.nextFireAt} < ${next.toISOString()}::timestamptz` : undefined,
      ),
    );
}

/** Locks the schedule's row for the rest of the transaction: its firings run one at a time. */
export async function lockSchedule(tx: Db, id: string): Promise<ScheduleRow | undefined> {
  const [row] = await tx.select().from(schedules).where(eq(schedules.id, id)).for('update');
  return row;
}

/** A task of the schedule that has not finished yet (overlap 'skip'). */
export async function hasUnfinishedTask(tx: Db, scheduleId: string): Promise<boolean> {
  const [row] = await tx
    .select({ id: tasks.id })
    .from(tasks)
    .where(and(eq(tasks.scheduleId, scheduleId), inArray(tasks.status, ['scheduled', 'pending', 'assigned', 'running'])))
    .limit(1);
  return !!row;
}

/**
 * The claim on (schedule, fire time): true for the one caller that made it. Part of the caller's
 * transaction, so the claim and the task it created commit (or vanish) together.
 */
export async function claimFiring(tx: Db, v: typeof scheduleFirings.$inferInsert): Promise<boolean> {
  const rows = await tx.insert(scheduleFirings).values(v).onConflictDoNothing().returning({ scheduleId: scheduleFirings.scheduleId });
  return rows.length === 1;
}

export type FiringRow = {
  fireTime: Date;
  firedAt: Date;
  manual: boolean;
  outcome: 'created' | 'skipped';
  taskId: string | null;
  taskTitle: string | null;
  taskStatus: string | null;
};

/** The latest firings of a schedule with their tasks' state. */
export function recentFirings(db: Db, scheduleId: string, limit: number): Promise<FiringRow[]> {
  return db
    .select({
      fireTime: scheduleFirings.fireTime,
      firedAt: scheduleFirings.firedAt,
      manual: scheduleFirings.manual,
      outcome: scheduleFirings.outcome,
      taskId: scheduleFirings.taskId,
      taskTitle: tasks.title,
      taskStatus: tasks.status,
    })
    .from(scheduleFirings)
    .leftJoin(tasks, eq(tasks.id, scheduleFirings.taskId))
    .where(eq(scheduleFirings.scheduleId, scheduleId))
    .orderBy(desc(scheduleFirings.fireTime))
    .limit(limit);
}

/** Which schedules a list shows; every field given narrows it. */
export type ScheduleFilter = {
  /** In one of these departments: the caller's scope. */
  departmentIds?: string[];
  departmentId?: string;
  enabled?: boolean;
  /** After this keyset cursor (newest first). */
  before?: { at: string; id: string };
};

export async function findSchedule(db: Db, id: string): Promise<ScheduleRow | undefined> {
  const [row] = await db.select().from(schedules).where(eq(schedules.id, id)).limit(1);
  return row;
}

export async function insertSchedule(tx: Db, values: NewSchedule): Promise<ScheduleRow> {
  const [row] = await tx.insert(schedules).values(values).returning();
  return row;
}

/** The schedule with `change` applied; undefined when there is no such schedule. */
export async function updateScheduleRow(tx: Db, id: string, change: Partial<NewSchedule>): Promise<ScheduleRow | undefined> {
  const [row] = await tx.update(schedules).set(change).where(eq(schedules.id, id)).returning();
  return row;
}

/** Deletes the schedule; its firing records go with it (the tasks it created stay). */
export async function deleteScheduleRow(tx: Db, id: string): Promise<void> {
  await tx.delete(schedules).where(eq(schedules.id, id));
}
