import { getDb } from '@/db/client';
import { fireDueSchedules } from '@/lib/schedules/firing';
import { promoteDue } from '@/lib/tasks/scheduled';
import type { Job } from '../jobs/registry';

/**
 * Fires due schedules and makes due delayed tasks pending, each second. It runs in every process:
 * the claim on (schedule, fire time) and the status guard on promotion make two processes doing
 * the same pass create each task once, and a process dying mid-pass leaves nothing half done.
 */
export function scheduleJob(): Job {
  return {
    name: 'schedules',
    scope: 'every-process',
    everyMs: 1000,
    run: async () => {
      await promoteDue(getDb());
      await fireDueSchedules(getDb());
    },
  };
}
