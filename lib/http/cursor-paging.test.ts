import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import type { Principal } from '../permissions/rbac';
import { listTasks } from '../tasks/service';
import { listTasksQuery } from '../tasks/schemas';
import { listAgents } from '../agents/service';
import { listAgentsQuery } from '../agents/schemas';
import { listAlerts, listAlertsQuery } from '../alerts/service';
import { securityEventTable } from '../security/event-table';
import { listAuditEntries } from '../audit/service';
import { auditQuery } from '../audit/schemas';
import { decodeCursor } from '../paging/cursor';

const admin: Principal = { kind: 'user', id: 'test-admin', name: 'test admin', role: 'super-admin', departmentIds: [], permissions: ['*'] };

/**
 * Keyset pages over rows that share milliseconds: 3,000 rows spread over 5 ms with distinct
 * microseconds, as a burst of creates leaves them. A cursor cut at millisecond precision skipped
 * the rows of the cut's millisecond that sorted after it.
 */
const N = 3000;
const createdAt = sql`timestamptz '2026-03-01 12:00:00.000+00' + (i % 5) * interval '1 millisecond' + ((i * 7919) % 997) * interval '1 microsecond'`;

async function pageAll(fetch: (cursor?: string) => Promise<{ items: { id: string | number }[]; nextCursor: string | null }>) {
  const seen: (string | number)[] = [];
  let cursor: string | undefined;
  for (let pages = 0; pages < 10_000; pages++) {
    const p = await fetch(cursor);
    seen.push(...p.items.map((i) => i.id));
    if (!p.nextCursor) return seen;
    cursor = p.nextCursor;
  }
  throw new Error('never ended');
}

function expectEachOnce(seen: (string | number)[], n: number) {
  expect(new Set(seen).size).toBe(seen.length);
  expect(seen.length).toBe(n);
}

describe('cursor pages over rows created in the same milliseconds find every row exactly once', () => {
  let t: TestDb;
  beforeAll(async () => {
    t = await createTestDb();
    await t.db.execute(sql`insert into tasks (title, department_id, type, priority, priority_rank, status, created_at)
      select 'burst ' || i, 'legal', 'burst', 'low', 3, 'completed', ${createdAt} from generate_series(1, ${N}) as i`);
    await t.db.execute(sql`insert into agents (department_id, name, type, specialization, secret_hash, status, created_at)
      select 'hr', 'burst-' || i, 'worker', 'general', 'x', 'offline', ${createdAt} from generate_series(1, ${N}) as i`);
    await t.db.execute(sql`insert into alerts (kind, severity, department_id, message, status, created_at)
      select 'burst', 'info', 'legal', 'burst ' || i, 'resolved', ${createdAt} from generate_series(1, ${N}) as i`);
    await t.db.execute(sql`insert into security_events (kind, severity, at)
      select 'burst', 'low', ${createdAt} from generate_series(1, ${N}) as i`);
    await t.db.execute(sql`insert into audit_log (at, actor_type, actor_name, action, outcome)
      select ${createdAt}, 'system', 'burst', 'burst.test', 'success' from generate_series(1, ${N}) as i`);
  }, 120_000);
  afterAll(async () => {
    await t.drop();
  });

  it('tasks', { timeout: 120_000 }, async () => {
    const seen = await pageAll((cursor) => listTasks(t.db, admin, listTasksQuery.parse({ departmentId: 'legal', limit: 17, cursor })));
    expectEachOnce(seen, N);
  });

  it('agents', { timeout: 120_000 }, async () => {
    const seen = await pageAll((cursor) =>
      listAgents(t.db, admin, listAgentsQuery.parse({ departmentId: 'hr', status: 'offline', limit: 17, cursor })),
    );
    expectEachOnce(seen, N);
  });

  it('alerts', { timeout: 120_000 }, async () => {
    const seen = await pageAll((cursor) => listAlerts(t.db, admin, listAlertsQuery.parse({ status: 'resolved', limit: 17, cursor })));
    expectEachOnce(seen, N);
  });

  it('security events', { timeout: 120_000 }, async () => {
    const seen = await pageAll((cursor) => securityEventTable(t.db, admin, { kind: 'burst', limit: 17, cursor }));
    expectEachOnce(seen, N);
  });

  it('audit entries', { timeout: 120_000 }, async () => {
    const seen = await pageAll((cursor) => listAuditEntries(t.db, admin, auditQuery.parse({ action: 'burst.test', limit: 17, cursor })));
    expectEachOnce(seen, N);
  });

  it('a cursor carries its row time to the microsecond, and a forged one is a 400', async () => {
    const first = await listTasks(t.db, admin, listTasksQuery.parse({ departmentId: 'legal', limit: 1 }));
    expect(decodeCursor(first.nextCursor!)!.at).toMatch(/\.\d{6}Z$/);
    expect(() => decodeCursor(Buffer.from(JSON.stringify(['yesterday', 'x'])).toString('base64url'))).toThrow(/Invalid cursor/);
  });
});
