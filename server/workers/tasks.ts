/**
 * Work run inside the pool's threads. Plain functions of plain data (structured-clone), relative
 * imports only: a worker thread has no bundler aliases to lean on.
 */
import { checkAuditPage, walkAuditPage, type PageText } from '../../lib/audit/check';
import type { ChainKeys } from '../../lib/audit/chain';

export type Task = { kind: 'audit-walk'; page: PageText } | { kind: 'audit-check'; page: PageText & { keys: ChainKeys } };

export default function run(task: Task) {
  switch (task.kind) {
    case 'audit-walk':
      return walkAuditPage(task.page);
    case 'audit-check':
      return checkAuditPage(task.page);
    default:
      throw new Error(`unknown task ${(task as { kind: string }).kind}`);
  }
}
