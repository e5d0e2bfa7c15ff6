import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../client';
import { departments } from '../schema/org';
import { scheduleFirings, schedules } from '../schema/schedules';

/** What a firing needs of the schedule's department: whether it takes tasks, and its rate. */
export async function firingDepartment(tx: Db, departmentId: string) {
  const [dept] = await tx
    .select({ id: departments.id, status: departments.status, quotaTasksPerMinute: departments.quotaTasksPerMinute })
    .from(departments)
    .where(eq(departments.id, departmentId));
  return dept;
}

/** A claimed firing whose task was refused: recorded as skipped, with no task. */
export async function markFiringSkipped(tx: Db, scheduleId: string, fireTime: Date): Promise<void> {
  await tx
    .update(scheduleFirings)
    .set({ outcome: 'skipped', taskId: null })
    .where(and(eq(scheduleFirings.scheduleId, scheduleId), eq(scheduleFirings.fireTime, fireTime)));
}

/** The schedule's last firing moves to `fireTime`, never back. */
export async function noteFired(tx: Db, scheduleId: string, fireTime: Date): Promise<void> {
  await tx
    .update(schedules)
    .set({ lastFiredAt: sql`greatest(${schedules.lastFiredAt}, ${fireTime.toISOString()}::timestamptz)` })
    .where(eq(schedules.id, scheduleId));
}
