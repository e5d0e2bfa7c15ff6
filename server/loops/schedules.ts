import { getDb } from '@/db/client';
import { fireDueSchedules } from '@/lib/schedules/firing';
import { promoteDue } from '@/lib/tasks/scheduled';
import { nextStartDeadline } from '@/db/queries/deadlines';
import { IDLE_MAX_MS, type Job } from '../jobs/registry';

/**
 * Fires due schedules and makes due delayed tasks pending, each second. It runs in every process:
 * the claim on (schedule, fire time) and the status guard on promotion make two processes doing
 * the same pass create each task once, and a process dying mid-pass leaves nothing half done.
 * While nothing is due or written it rests until the next due time (Job.idle).
 */
export function scheduleJob(): Job {
  return {
    name: 'schedules',
    scope: 'every-process',
    everyMs: 1000,
    idle: { maxMs: IDLE_MAX_MS, nextDueAt: () => nextStartDeadline(getDb()) },
    run: async () => {
      const promoted = await promoteDue(getDb());
      const fired = await fireDueSchedules(getDb());
      return promoted + fired > 0;
    },
  };
}
