import type { Db } from '@/db/client';
import { cancelDependantsOf, failedWithPendingDependants } from '@/db/queries/dependencies';
import { emitDomain, publishLive } from '../live';

/**
 * A task ended without completing: the tasks waiting on it (transitively) can never run, so they
 * end cancelled with reason `dependency-failed`, unless created with `dependencyPolicy: 'wait'`,
 * which keeps them pending until the failed task is retried and completes.
 */
export async function cancelDependants(db: Db, taskIds: string[]): Promise<string[]> {
  const rows = await cancelDependantsOf(db, taskIds);
  for (const r of rows) {
    publishLive({ type: 'task:update', scope: r.department_id, data: { id: r.id, status: 'cancelled' } });
    emitDomain('task:finished', { taskId: r.id, parentTaskId: r.parent_task_id, status: 'cancelled' });
  }
  return rows.map((r) => r.id);
}

/** The safety net behind cancelDependants: cascades any failure a crash left without its cascade. */
export async function sweepFailedDependencies(db: Db): Promise<string[]> {
  const failed = await failedWithPendingDependants(db);
  return failed.length ? cancelDependants(db, failed) : [];
}
