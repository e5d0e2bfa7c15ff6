import { rm } from 'node:fs/promises';
import type { Db } from '@/db/client';
import { emptyAuditLog } from '@/db/queries/audit-bulk';
import { settleChain } from '../lib/audit/chain-writer';
import { checkpointFile } from '../lib/audit/checkpoint';

/** An empty audit log with no checkpoint: a new history on the same database (a fresh PGlite costs seconds). */
export async function freshAuditLog(db: Db): Promise<void> {
  await settleChain();
  await emptyAuditLog(db);
  await rm(await checkpointFile(db), { force: true });
}
