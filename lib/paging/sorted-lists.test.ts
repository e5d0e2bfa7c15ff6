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
import { securityEventSortKeys, securityEventTable } from '@/lib/security/event-table';
import { scheduleSortKeys, scheduleTable, scheduleTableQuery } from '@/lib/schedules/table';
import { deliverySortKeys, deliveryTable } from '@/lib/webhooks/delivery-table';
import { capacityChangeSortKeys, capacityChangeTable } from '@/lib/resources/change-table';
import { AppError } from '@/lib/errors';
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
const hook = '00000000-0000-4000-8000-0000000000bb';

beforeAll(async () => {
  t = await createTestDb();
  // Only this file's rows: the seed may record changes and events of its own.
  await t.db.execute(sql`delete from security_events`);
  await t.db.execute(sql`delete from resource_changes`);
  await t.db.execute(sql`delete from schedules`);
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
  await t.db.execute(sql`insert into security_events (at, kind, severity, username, ip)
    select ${at} + (i % 2) * interval '1 microsecond', 'sorted-' || (i % 3), (array['low','medium','high','critical'])[1 + i % 4],
      case when i % 3 = 0 then null else 'user-' || (i % 2) end, case when i % 4 = 0 then null else '10.0.0.' || (i % 3) end
    from generate_series(1, ${N}) i`);
  await t.db.execute(sql`insert into schedules (name, department_id, cron, task, enabled, next_fire_at, last_fired_at, created_at)
    select 'sorted-schedule-' || (i % 4), (array['legal','hr','it'])[1 + i % 3], '0 * * * *',
      '{"title": "t", "type": "review", "priority": "medium", "maxAttempts": 3}', i % 2 = 0,
      case when i % 2 = 0 then ${at} + (i % 3) * interval '1 hour' else null end,
      case when i % 3 = 0 then null else ${at} end, ${at} + (i % 2) * interval '1 microsecond'
    from generate_series(1, ${N}) i`);
  await t.db.execute(
    sql`insert into webhooks (id, url, events, secret) values (${hook}, 'https://example.test/hook', '{task.created}', 's')`,
  );
  await t.db.execute(sql`insert into webhook_deliveries (webhook_id, event_type, payload, status, attempts, response_status, latency_ms, next_attempt_at, created_at)
    select ${hook}, 'task.' || (i % 3), '{}', (array['pending','delivered','failed'])[1 + i % 3], i % 4,
      case when i % 3 = 0 then null else 200 + (i % 2) * 300 end, case when i % 4 = 0 then null else i % 3 end,
      ${at}, ${at} + (i % 2) * interval '1 microsecond'
    from generate_series(1, ${N}) i`);
  await t.db.execute(sql`insert into resource_changes (at, department_id, type, capacity_before, capacity_after, reason)
    select ${at} + (i % 2) * interval '1 microsecond', (array['legal','hr'])[1 + i % 2], (array['cpu','memory','storage'])[1 + i % 3],
      10, 10 + (i % 3) - 1, 'sorted ' || (i % 4)
    from generate_series(1, ${N}) i`);
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
  it('security events', () => checkEverySort(securityEventSortKeys, (q) => securityEventTable(t.db, admin, q), N));
  it('schedules', () => checkEverySort(scheduleSortKeys, (q) => scheduleTable(t.db, admin, scheduleTableQuery.parse(q)), N));
  it('webhook deliveries', () => checkEverySort(deliverySortKeys, (q) => deliveryTable(t.db, admin, hook, q), N));
  it('capacity changes', () => checkEverySort(capacityChangeSortKeys, (q) => capacityChangeTable(t.db, admin, q), N));
});

describe('a cursor the list did not make for this sort is a 400', () => {
  const forge = (parts: unknown[]) => Buffer.from(JSON.stringify(parts)).toString('base64url');
  const uuid = '00000000-0000-4000-8000-000000000001';
  const cases: [string, (cursor: string) => Promise<unknown>, string][] = [
    ['security events', (cursor) => securityEventTable(t.db, admin, { sort: 'kind', cursor }), forge(['at', 'desc', 'x', uuid, 0])],
    [
      'schedules',
      (cursor) => scheduleTable(t.db, admin, scheduleTableQuery.parse({ sort: 'lastFiredAt', cursor })),
      forge(['lastFiredAt', 'asc', 'yesterday', uuid, 0]),
    ],
    [
      'webhook deliveries',
      (cursor) => deliveryTable(t.db, admin, hook, { sort: 'attempts', cursor }),
      forge(['attempts', 'asc', 'abc', uuid, 0]),
    ],
    [
      'capacity changes',
      (cursor) => capacityChangeTable(t.db, admin, { cursor }),
      forge(['at', 'desc', '2026-03-01T10:00:00.000001Z', uuid, 0]),
    ],
  ];
  for (const [name, list, forged] of cases)
    it(name, async () => {
      for (const cursor of [forged, 'not-a-cursor']) {
        const err = await list(cursor).catch((e: unknown) => e);
        expect(err, `${name} ${cursor}`).toBeInstanceOf(AppError);
        expect((err as AppError).status).toBe(400);
      }
    });
});
