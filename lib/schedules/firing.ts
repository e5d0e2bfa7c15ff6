import { randomUUID } from 'node:crypto';
import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { priorities } from '@/db/vocabulary';
import { insertTask, type TaskRow } from '@/db/queries/tasks';
import { insertTaskEvent } from '@/db/queries/task-events';
import { firingDepartment, markFiringSkipped, noteFired } from '@/db/queries/schedule-firings';
import { advanceSchedule, claimFiring, dueSchedules, hasUnfinishedTask, lockSchedule, type ScheduleRow } from '@/db/queries/schedules';
import type { Principal } from '../permissions/rbac';
import { audit } from '../audit/log';
import { AppError, conflict, notFound } from '../errors';
import { takeTaskQuota, type TaskQuotaTaken } from '../quotas/tasks';
import { capRefusal } from '../quotas/errors';
import { emitDomain, publishLive } from '../live';
import { recordTaskCreated } from '../metrics/record';
import { log } from '../log';
import { fireTimesBetween, lastFireTimeBefore, nextFireTime } from './cron';
import { queueEvent, queueTaskEvent } from '@/db/queries/outbox';

/** A firing later than this counts as missed (downtime) and follows the schedule's catchUp policy. */
export const MISSED_AFTER_MS = 60_000;
/** Firings one schedule may claim per pass (catchUp 'all' after a long outage goes on next pass). */
const MAX_PER_PASS = 100;

export type FireOutcome =
  | { outcome: 'created'; task: TaskRow }
  | { outcome: 'skipped'; reason: 'overlap' | 'department-inactive' | 'quota'; quota?: string };

/**
 * One firing of a schedule: claims (schedule, fire time) and creates the task in one transaction,
 * so however many processes try the same firing, one task exists. The schedule's row lock makes
 * the overlap check and the claim one step. null: someone else claimed it (or the schedule went).
 * A manual trigger (`by`) fires even while paused and answers 409 where a timed firing is skipped.
 */
export async function fireSchedule(db: Db, scheduleId: string, fireTime: Date, by?: Principal): Promise<FireOutcome | null> {
  const out = await retryTx(() =>
    db.transaction(async (tx): Promise<FireOutcome | null> => {
      const s = await lockSchedule(tx, scheduleId);
      if (!s) {
        if (by) throw notFound('Schedule');
        return null;
      }
      if (!by && !s.enabled) return null;
      const dept = await firingDepartment(tx, s.departmentId);
      const reason =
        dept?.status !== 'active'
          ? 'department-inactive'
          : s.overlap === 'skip' && (await hasUnfinishedTask(tx, s.id))
            ? 'overlap'
            : undefined;
      if (reason && by) {
        throw conflict(
          reason === 'overlap'
            ? "The schedule's previous task has not finished (overlap: skip)"
            : `Department ${s.departmentId} is inactive and takes no tasks`,
        );
      }
      // Quotas hold for schedules as for every door: a timed firing past one is skipped (and
      // logged), a manual trigger answers the 429 or 409 the REST create would.
      let quota: TaskQuotaTaken | undefined;
      let refusal: AppError | undefined;
      if (!reason && dept) {
        try {
          quota = await takeTaskQuota(tx, dept, 1);
        } catch (err) {
          if (by || !(err instanceof AppError)) throw err;
          refusal = err;
        }
      }
      const taskId = reason || refusal ? null : randomUUID();
      const claimed = await claimFiring(tx, { scheduleId: s.id, fireTime, taskId, outcome: taskId ? 'created' : 'skipped', manual: !!by });
      if (!claimed) {
        await quota?.giveBack();
        if (by) throw conflict('The schedule fired at this instant already; try again');
        return null;
      }
      if (reason) return { outcome: 'skipped', reason };
      if (refusal) return quotaSkipped(s, refusal);
      let task: TaskRow;
      try {
        // A savepoint: the caps are the insert's own (migration 0012), and a refused insert must
        // leave the claim, recorded as skipped, in place.
        task = await tx.transaction((sp) => insertTaskOf(sp, s, taskId!, fireTime, by));
      } catch (err) {
        await quota?.giveBack();
        const cap = capRefusal(err, s.departmentId);
        if (!cap) throw err;
        if (by) throw cap;
        await markFiringSkipped(tx, s.id, fireTime);
        return quotaSkipped(s, cap);
      }
      await noteFired(tx, s.id, fireTime);
      await queueTaskEvent(tx, 'task.created', task.id);
      await queueEvent(tx, 'schedule.fired', s.departmentId, {
        scheduleId: s.id,
        name: s.name,
        departmentId: s.departmentId,
        fireTime: fireTime.toISOString(),
        taskId,
        manual: !!by,
      });
      if (by)
        await audit(tx, by, {
          action: 'schedule.trigger',
          targetType: 'schedule',
          targetId: s.id,
          departmentId: s.departmentId,
          detail: { taskId, fireTime: fireTime.toISOString() },
        });
      return { outcome: 'created', task };
    }),
  );
  if (out?.outcome === 'created') {
    publishLive({ type: 'task:update', scope: out.task.departmentId, data: { id: out.task.id, status: out.task.status } });
    recordTaskCreated(out.task.departmentId);
    emitDomain('task:ready', { departmentId: out.task.departmentId, taskId: out.task.id });
  }
  return out;
}

function quotaSkipped(s: ScheduleRow, err: AppError): FireOutcome {
  const quota = String(err.extra.quota ?? 'quota');
  log().warn({ scheduleId: s.id, departmentId: s.departmentId, quota }, 'schedule firing skipped: department quota');
  return { outcome: 'skipped', reason: 'quota', quota };
}

async function insertTaskOf(tx: Db, s: ScheduleRow, id: string, fireTime: Date, by?: Principal): Promise<TaskRow> {
  const t = s.task;
  const row = await insertTask(tx, {
    id,
    title: t.title,
    departmentId: s.departmentId,
    type: t.type,
    priority: t.priority,
    priorityRank: priorities.indexOf(t.priority),
    requirements: t.requirements ?? {},
    payload: t.payload ?? null,
    maxAttempts: t.maxAttempts,
    timeoutMs: t.timeout ?? null,
    estimatedDurationMs: t.estimatedDuration ?? null,
    createdBy: by?.id || s.createdBy,
    scheduleId: s.id,
  });
  await insertTaskEvent(tx, {
    taskId: id,
    type: 'created',
    detail: {
      by: by ? by.name : `schedule ${s.name}`,
      scheduleId: s.id,
      fireTime: fireTime.toISOString(),
      ...(by ? { manual: true } : {}),
    },
  });
  return row;
}

/**
 * Which of a due schedule's firings to run at `now`. Firings up to a minute late are on time and
 * each runs. Older ones were missed (the cluster was down or stalled): catchUp 'all' runs each,
 * 'latest' runs the newest missed one once, and only when no on-time firing runs anyway, 'none'
 * runs none. `advanceTo` is the last fire time considered; the next firing comes after it.
 */
export function firingsDue(
  s: Pick<ScheduleRow, 'cron' | 'timezone' | 'catchUp' | 'nextFireAt'>,
  now: Date,
): { fire: Date[]; advanceTo: Date } {
  const from = s.nextFireAt ?? now;
  const cutoff = new Date(Math.floor(now.getTime() / 1000) * 1000 - MISSED_AFTER_MS);
  if (s.catchUp === 'all' || from.getTime() >= cutoff.getTime()) {
    const fire = fireTimesBetween(s.cron, s.timezone, from, now, MAX_PER_PASS);
    return { fire, advanceTo: fire.length === MAX_PER_PASS ? fire[fire.length - 1] : now };
  }
  const onTime = fireTimesBetween(s.cron, s.timezone, cutoff, now, MAX_PER_PASS);
  const missed = s.catchUp === 'latest' && onTime.length === 0 ? lastFireTimeBefore(s.cron, s.timezone, from, cutoff) : undefined;
  return { fire: [...(missed ? [missed] : []), ...onTime], advanceTo: onTime.length === MAX_PER_PASS ? onTime[onTime.length - 1] : now };
}

/**
 * One pass of the firing loop. Every process may run it at once: the claim in fireSchedule decides
 * who creates each task, and the next firing only ever moves forward.
 */
export async function fireDueSchedules(db: Db, now = new Date()): Promise<number> {
  let created = 0;
  const failures: { id: string; err: string }[] = [];
  for (const s of await dueSchedules(db, now, 100)) {
    // One schedule's trouble (its row locked by a long edit, say) must not hold up the others.
    try {
      const { fire, advanceTo } = firingsDue(s, now);
      for (const t of fire) if ((await fireSchedule(db, s.id, t))?.outcome === 'created') created++;
      await advanceSchedule(db, s, nextFireTime(s.cron, s.timezone, advanceTo));
    } catch (err) {
      failures.push({ id: s.id, err: (err as Error).message });
    }
  }
  if (failures.length) log().warn({ failures }, 'schedules not fired this pass');
  return created;
}
