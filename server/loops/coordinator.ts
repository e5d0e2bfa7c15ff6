import { getDb } from '@/db/client';
import { markStaleAgentsOffline } from '@/db/queries/stale-agents';
import { env } from '@/lib/env';
import { presence } from '@/lib/presence/presence';
import { dispatchDepartment, syncPresence } from '@/lib/dispatch/dispatcher';
import { departmentsWithReadyTasks } from '@/db/queries/tasks';
import { expiredLeases, overdueTasks } from '@/db/queries/active-tasks';
import { requeueTask, timeOutTask } from '@/lib/lifecycle/lifecycle';
import { sweepFailedDependencies } from '@/lib/lifecycle/dependencies';
import type { AgentsNamespace } from '../bus/agents-namespace';
import { nextLeaseDeadline } from '@/db/queries/deadlines';
import { IDLE_MAX_MS, type Job } from '../jobs/registry';

/**
 * Heart-beat watcher, lease reaper, attempt timeouts, dependency sweep, dispatch sweep and stale-status sweep.
 * The reaper and the timeouts rest while nothing runs and nothing is written (Job.idle): what they
 * look for comes due at a time the database knows.
 */
export function coordinatorJobs(agentsNs: AgentsNamespace): Job[] {
  const hb = env().HEARTBEAT_INTERVAL;
  let sweeps = 0;
  return [
    // An agent silent for 3 heart-beats is gone, connected or not: its tasks move on.
    {
      name: 'heartbeat-watch',
      scope: 'every-process',
      everyMs: hb,
      run: async () => {
        const cutoff = Date.now() - hb * 3;
        // Checked again just before each loss: a polling agent may have claimed meanwhile.
        for (const silent of presence().silentSince(cutoff))
          if (presence().isSilent(silent.id, cutoff)) await agentsNs.lose(silent.id, 'heartbeats stopped');
      },
    },
    // The safety net across processes and crashes: a lease nobody renewed returns its task.
    {
      name: 'lease-reaper',
      scope: 'every-process',
      everyMs: 1000,
      idle: { maxMs: IDLE_MAX_MS, nextDueAt: () => nextLeaseDeadline(getDb()) },
      run: async () => {
        const ids = await expiredLeases(getDb());
        for (const id of ids) await requeueTask(getDb(), id, 'lease expired');
        return ids.length > 0;
      },
    },
    // A task's timeout bounds each attempt, whatever leases and heart-beats do. timeOutTask locks
    // and re-checks each row, so an attempt is ended and counted once whoever sweeps.
    {
      name: 'attempt-timeouts',
      scope: 'once-per-cluster',
      everyMs: 1000,
      idle: { maxMs: IDLE_MAX_MS, nextDueAt: () => nextLeaseDeadline(getDb()) },
      run: async () => {
        const ids = await overdueTasks(getDb());
        for (const id of ids) await timeOutTask(getDb(), id);
        return ids.length > 0;
      },
    },
    // A failure cascades to its dependants right after it commits; a crash in between would leave
    // them pending for ever. This finds such leftovers (a scan of pending tasks with dependencies).
    {
      name: 'dependency-sweep',
      scope: 'once-per-cluster',
      everyMs: 30_000,
      housekeeping: true,
      run: () => sweepFailedDependencies(getDb()),
    },
    // Backoffs end and dependencies complete without a signal: look for ready work each second.
    // Slot counts in memory can drift from Postgres: agents thought full or draining (who would
    // get no work) are re-read every fifth pass, everyone once a minute (re-reading all of them
    // each time costs latency under load).
    {
      name: 'dispatch-sweep',
      scope: 'every-process',
      everyMs: 1000,
      run: async () => {
        ++sweeps;
        if (sweeps % 60 === 0)
          await syncPresence(
            getDb(),
            presence()
              .all()
              .map((a) => a.id),
          );
        else if (sweeps % 5 === 0)
          await syncPresence(
            getDb(),
            presence()
              .takingNoWork()
              .map((a) => a.id),
          );
        const free = new Set(presence().departmentsWithFreeAgents());
        if (!free.size) return;
        // Departments fill side by side: one at a time left nine idle while the first drained its backlog.
        const ready = (await departmentsWithReadyTasks(getDb())).filter((d) => free.has(d));
        await Promise.all(ready.map((d) => dispatchDepartment(getDb(), d)));
      },
    },
    // Agents left "idle" by a crashed process, with no heart-beat written for 2 minutes, are offline.
    // A shared-state write: one process does it for the cluster.
    {
      name: 'stale-agents',
      scope: 'once-per-cluster',
      everyMs: 30_000,
      housekeeping: true,
      run: async () => {
        const here = presence()
          .all()
          .map((a) => a.id);
        await markStaleAgentsOffline(getDb(), here);
      },
    },
  ];
}
