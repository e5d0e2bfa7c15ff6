import type { Db } from '@/db/client';
import { appendAuditRowsRaw, lastAuditRow, moveAuditIdsPast } from '@/db/queries/audit-bulk';
import { chainHash, GENESIS_HASH, rowMac, type AuditFields } from '../lib/audit/chain';
import { auditKeys } from '../lib/audit/keys';

/**
 * Appends `n` realistic, correctly keyed and chained rows in bulk (audit() one by one would take
 * minutes for the volumes benchmarks and load tests need): same MACs and hashes the writer and
 * chainer make, ids given explicitly so the hashes can cover them.
 */
export async function appendChainedAuditRows(db: Db, n: number, chunk = 5_000): Promise<void> {
  const keys = auditKeys();
  const last = await lastAuditRow(db);
  let prev = last?.hash ?? GENESIS_HASH;
  let id = last?.id ?? 0;
  // Hashes are made in order here; the inserts don't depend on each other, so two run at once.
  const writing = new Set<Promise<void>>();
  for (let i = 0; i < n; i += chunk) {
    const rows = [];
    for (let j = i; j < Math.min(n, i + chunk); j++) {
      const fields: AuditFields = {
        at: new Date(Date.now() - (n - j) * 1000),
        actorType: 'user',
        actorId: '00000000-0000-4000-8000-000000000001',
        actorName: 'admin',
        action: 'task.create',
        targetType: 'task',
        targetId: `task-${j}`,
        departmentId: 'engineering',
        ip: '127.0.0.1',
        outcome: 'success',
        detail: {
          title: `Task ${j}`,
          priority: 'high',
          requirements: { capabilities: ['code-review', 'testing'], resources: { compute: 2 } },
        },
      };
      const mac = rowMac(keys.row, fields);
      id++;
      const hash = chainHash(keys.chain, prev, id, mac);
      rows.push({ id, ...fields, at: fields.at.toISOString(), mac, prevHash: prev, hash });
      prev = hash;
    }
    const w: Promise<void> = appendAuditRowsRaw(db, rows).finally(() => writing.delete(w));
    writing.add(w);
    if (writing.size >= 2) await Promise.race(writing);
  }
  await Promise.all(writing);
  await moveAuditIdsPast(db);
}
