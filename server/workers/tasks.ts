/**
 * Work run inside the pool's threads. Plain functions of plain data (structured-clone), relative
 * imports only: a worker thread has no bundler aliases to lean on.
 */
import { checkAuditBatch, type CheckBatch } from '../../lib/audit/check';

export type Task = { kind: 'audit-verify'; batch: CheckBatch };

export default function run(task: Task) {
  switch (task.kind) {
    case 'audit-verify':
      return checkAuditBatch(task.batch);
    default:
      throw new Error(`unknown task ${(task as { kind: string }).kind}`);
  }
}
