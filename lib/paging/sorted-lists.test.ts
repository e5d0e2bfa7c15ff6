import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { agentSortKeys, agentTable, agentTableQuery } from '@/lib/agents/table';
import { alertSortKeys, alertTable, alertTableQuery } from '@/lib/alerts/table';
import { allocationSortKeys, allocationTable, allocationTableQuery } from '@/lib/allocations/table';
import { auditSortKeys, auditTable, auditTableQuery } from '@/lib/audit/table';
import { userSortKeys, userTable, userTableQuery } from '@/lib/users/table';
import { tokenSortKeys, tokenTable } from '@/lib/tokens/table';
import type { SortedPage } from './sort';

/**
 * Every sortable column of every console list, both ways: walking the pages forwards and back
 * meets each row once, in the order of one big page. Rows share sort values (and timestamps to
 * the microsecond) and some sort columns are null, so ties and the null stand-ins are exercised.
 */

let t: TestDb;
const owner = '00000000-0000-4000-8000-0000000000aa';
const admin = principalOf('super-admin', [], owner);
const N = 11;

beforeAll(async () => {
  t = await createTestDb();
  const at = sql`'2026-03-01T10:00:00.000001Z'::timestamptz`;
  await t.db.execute(sql`insert into users (id, username, password_hash, role, last_login_at, created_at)
    values (${owner}, 'sorted-owner', 'x', 'super-admin', null, ${at})`);
  await t.db.execute(sql`insert into users (username, password_hash, role, last_login_at, created_at)
    select 'sorted-' || (i % 4) || '-' || i, 'x', (array['auditor','readonly','operator'])[1 + i % 3],
      case when i % 3 = 0 then null else ${at} + (i % 2) * interval '1 microsecond' end, ${at}
    from generate_series(1, ${N}) i`);
  await t.db.execute(sql`insert into api_tokens (user_id, name, secret_hash, expires_at, last_used_at, created_at)
    select ${owner}, 'tok ' || (i % 3), 'h' || i, case when i % 2 = 0 then null else ${at} end,
      case when i % 3 = 0 then null else ${at} end, ${at} + (i % 2) * interval '1 microsecond'
    from generate_series(1, ${N}) i`);
  await t.db.execute(sql`insert into alerts (kind, severity, department_id, message, status, created_at)
    select 'kind-' || (i % 3), (array['info','warning','critical'])[1 + i % 3], case when i % 4 = 0 then null else 'legal' end,
      'sorted alert', (array['open','acknowledged','resolved'])[1 + i % 3], ${at} + (i % 2) * interval '1 microsecond'
    from generate_series(1, ${N}) i`);
  await t.db.execute(sql`insert into audit_log (at, actor_type, actor_name, action, outcome, department_id)
    select ${at}, 'user', case when i % 3 = 0 then null else 'actor-' || (i % 2) end, 'sorted.' || (i % 4),
      (array['success','denied','failure'])[1 + i % 3], 'legal'
    from generate_series(1, ${N}) i`);
  await t.db.execute(sql`insert into agents (department_id, name, type, specialization, status, secret_hash, active_tasks, completed_count, created_at)
    select 'legal', 'sorted-agent-' || (i % 5), 'w', 'litigation', (array['idle','busy','offline'])[1 + i % 3], 'x', i % 2, i % 4,
      ${at} + (i % 3) * interval '1 microsecond'
    from generate_series(1, ${N}) i`);
  await t.db.execute(sql`insert into allocations (agent_id, department_id, resources, priority, created_at)
    select a.id, 'legal', '{"cpu": 1}', (array['low','medium','high','critical'])[1 + (row_number() over ())::int % 4], ${at}
    from agents a where a.name like 'sorted-agent-%'`);
});
afterAll(() => t.drop());

type Lister = (q: Record<string, unknown>) => Promise<SortedPage<{ id: string | number }>>;

async function checkEverySort(keys: readonly string[], list: Lister, expected: number) {
  for (const sort of keys)
    for (const order of ['asc', 'desc']) {
      const all = await list({ sort, order, limit: 100 });
      expect(all.total, `${sort} ${order}`).toBe(expected);
      const ids = all.items.map((r) => r.id);
      let page = await list({ sort, order, limit: 3 });
      const forward = [page.items.map((r) => r.id)];
      while (page.nextCursor) {
        page = await list({ sort, order, limit: 3, cursor: page.nextCursor });
        forward.push(page.items.map((r) => r.id));
      }
      expect(forward.flat(), `${sort} ${order} forwards`).toEqual(ids);
      const back: (string | number)[][] = [];
      while (page.prevCursor) {
        page = await list({ sort, order, limit: 3, cursor: page.prevCursor });
        back.unshift(page.items.map((r) => r.id));
      }
      expect(back.flat(), `${sort} ${order} back`).toEqual(forward.slice(0, -1).flat());
    }
}

describe('every sortable column pages forwards and back through every row once', () => {
  it('users', () => checkEverySort(userSortKeys, (q) => userTable(t.db, admin, userTableQuery.parse({ ...q, q: 'sorted-' })), N + 1));
  it('tokens', () => checkEverySort(tokenSortKeys, (q) => tokenTable(t.db, admin, q), N));
  it('alerts', () => checkEverySort(alertSortKeys, (q) => alertTable(t.db, admin, alertTableQuery.parse(q)), N));
  it('audit', () => checkEverySort(auditSortKeys, (q) => auditTable(t.db, admin, auditTableQuery.parse({ ...q, action: 'sorted.*' })), N));
  it('agents', () => checkEverySort(agentSortKeys, (q) => agentTable(t.db, admin, agentTableQuery.parse({ ...q, q: 'sorted-agent' })), N));
  it('allocations', () => checkEverySort(allocationSortKeys, (q) => allocationTable(t.db, admin, allocationTableQuery.parse(q)), N));
});
