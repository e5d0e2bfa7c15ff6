/**
 * Work run inside the pool's threads. Plain functions of plain data (structured-clone), relative
 * imports only: a worker thread has no bundler aliases to lean on.
 */
import { verifyAuditBatch, type AuditBatch } from '../../lib/audit/verify-batch';

export type Task = { kind: 'audit-verify'; batch: AuditBatch };

export default function run(task: Task) {
  switch (task.kind) {
    case 'audit-verify':
      return verifyAuditBatch(task.batch);
    default:
      throw new Error(`unknown task ${(task as { kind: string }).kind}`);
  }
}
