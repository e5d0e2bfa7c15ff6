import { and, asc, desc, eq, getTableColumns, inArray, lte, sql, type SQL } from 'drizzle-orm';
import { cursorTime } from '../keyset';
import type { Db } from '../client';
import { scheduleFirings, schedules } from '../schema/schedules';
import { tasks } from '../schema/work';

export type ScheduleRow = typeof schedules.$inferSelect;

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

/** A page of schedules, newest first, keyset on (created_at, id). */
export function schedulePage(db: Db, where: SQL[], limit: number): Promise<(ScheduleRow & { cursorAt: string })[]> {
  return db
    .select({ ...getTableColumns(schedules), cursorAt: cursorTime(schedules.createdAt) })
    .from(schedules)
    .where(where.length ? and(...where) : undefined)
    .orderBy(desc(schedules.createdAt), desc(schedules.id))
    .limit(limit);
}
