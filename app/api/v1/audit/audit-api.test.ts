import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { params, request } from '@/test/http';
import { makeUser } from '@/test/users';
import { audit } from '@/lib/audit/log';
import { csvCell } from '@/lib/audit/csv';
import { closeWorkerPool } from '@/server/workers/pool';
import { registerPoolWork } from '@/server/workers/register';
import { metrics } from '@/lib/metrics/registry';
import { appendChainedAuditRows } from '@/test/audit-bulk-chain';
import { withoutProcessLabel } from '@/test/metric-labels';
import { GET as listGET } from './route';
import { GET as verifyGET } from './verify/route';
import { GET as exportGET } from './export/route';
import { GET as reportGET } from './report/route';
import { PATCH as deptPATCH } from '../departments/[id]/route';
import { POST as tokenPOST } from '../auth/token/route';

let t: TestDb;
let auditor: Awaited<ReturnType<typeof makeUser>>;
let mktAdmin: Awaited<ReturnType<typeof makeUser>>;
beforeAll(async () => {
  t = await createTestDb();
  // As at start-up: verification and exports from any door run in the worker pool.
  registerPoolWork();
  auditor = await makeUser(t.db, 'auditor');
  mktAdmin = await makeUser(t.db, 'department-admin', ['marketing']);
  const sys = { kind: 'system' as const, name: 'seed' };
  await audit(t.db, sys, {
    action: 'department.update',
    departmentId: 'marketing',
    targetId: 'marketing',
    detail: { note: '=HYPERLINK("http://evil")' },
  });
  await audit(t.db, sys, { action: 'department.update', departmentId: 'engineering', targetId: 'engineering' });
});
afterAll(async () => {
  await closeWorkerPool();
  await t.drop();
});

/** How many tasks of a kind the worker pool has run, from /metrics. */
const poolTasks = (text: string, kind: string) =>
  Number(withoutProcessLabel(text).match(new RegExp(`^ecs_worker_pool_task_seconds_count\\{kind="${kind}"\\} (\\d+)$`, 'm'))?.[1] ?? 0);

describe('audit REST', () => {
  it('auditors read every row; a department admin only its departments’ rows; readonly is refused', async () => {
    const all = await (await listGET(request('GET', '/api/v1/audit?action=department.update', { token: auditor.token }))).json();
    expect(all.items.map((r: { departmentId: string }) => r.departmentId).sort()).toEqual(['engineering', 'marketing']);
    const mine = await (await listGET(request('GET', '/api/v1/audit?action=department.*', { token: mktAdmin.token }))).json();
    expect(mine.items.every((r: { departmentId: string }) => r.departmentId === 'marketing')).toBe(true);
    const ro = await makeUser(t.db, 'readonly');
    expect((await listGET(request('GET', '/api/v1/audit', { token: ro.token }))).status).toBe(403);
    expect((await listGET(request('GET', '/api/v1/audit?from=yesterday', { token: auditor.token }))).status).toBe(400);
  });

  it('pages with limit and cursor without skipping or repeating rows', async () => {
    const seen: number[] = [];
    let cursor: string | null = null;
    do {
      const q: string = `/api/v1/audit?limit=1${cursor ? `&cursor=${cursor}` : ''}`;
      const page: { items: { id: number }[]; nextCursor: string | null } = await (
        await listGET(request('GET', q, { token: auditor.token }))
      ).json();
      seen.push(...page.items.map((r) => r.id));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 50);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
  });

  it('records a denied request (403) as an audit row with outcome denied', async () => {
    const ro = await makeUser(t.db, 'readonly');
    const res = await deptPATCH(
      request('PATCH', '/api/v1/departments/marketing', { token: ro.token, body: { maxAgents: 3 } }),
      params({ id: 'marketing' }),
    );
    expect(res.status).toBe(403);
    const rows = await (
      await listGET(request('GET', `/api/v1/audit?action=access.denied&actor=${ro.id}`, { token: auditor.token }))
    ).json();
    expect(rows.items[0]).toMatchObject({
      outcome: 'denied',
      actorId: ro.id,
      detail: { method: 'PATCH', path: '/api/v1/departments/marketing', status: 403 },
    });
  });

  it('exports CSV with formula cells neutralised, and audits the export', async () => {
    const res = await exportGET(request('GET', '/api/v1/audit/export?action=department.update', { token: auditor.token }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/csv');
    const text = await res.text();
    expect(text.split('\r\n')[0]).toBe('id,at,actorType,actorId,actorName,action,outcome,targetType,targetId,departmentId,ip,detail,hash');
    expect(text).toContain('department.update');
    expect(csvCell('=1+2')).toBe(`"'=1+2"`);
    expect(csvCell('a,"b"')).toBe('"a,""b"""');
    const exported = await (await listGET(request('GET', '/api/v1/audit?action=audit.export', { token: auditor.token }))).json();
    expect(exported.items).toHaveLength(1);
  });

  it('reports a period: logins, failures, lockouts, role changes, denied actions', async () => {
    const u = await makeUser(t.db, 'readonly', [], 'report-user');
    for (let i = 0; i < 5; i++)
      await tokenPOST(
        request('POST', '/x', { body: { username: u.username, password: 'wrong-password-x' }, headers: { 'x-ecs-client-ip': '10.9.9.9' } }),
      );
    const day = new Date().toISOString().slice(0, 10);
    const res = await reportGET(request('GET', `/api/v1/audit/report?from=${day}&to=${day}`, { token: auditor.token }));
    expect(res.status).toBe(200);
    const report = await res.json();
    expect(report.logins.failed).toBeGreaterThanOrEqual(5);
    expect(report.lockouts).toBeGreaterThanOrEqual(1);
    expect(report.deniedActions).toBeGreaterThanOrEqual(1);
    expect(report.scope).toBe('all');
    expect(poolTasks(await metrics().registry.metrics(), 'compliance-report')).toBeGreaterThanOrEqual(1);
    expect((await reportGET(request('GET', '/api/v1/audit/report?from=2020-01-01&to=2026-01-01', { token: auditor.token }))).status).toBe(
      400,
    );
  });

  it('verify names a row edited directly in the database, and refuses a department admin', async () => {
    expect(await (await verifyGET(request('GET', '/api/v1/audit/verify', { token: auditor.token }))).json()).toMatchObject({ ok: true });
    const rows = (await t.db.execute(sql`select id from audit_log order by id limit 1 offset 2`)) as unknown as
      | { id: number }[]
      | { rows: { id: number }[] };
    const id = Number((Array.isArray(rows) ? rows : rows.rows)[0].id);
    await t.db.execute(sql`update audit_log set actor_name = 'someone-else' where id = ${id}`);
    const broken = await (await verifyGET(request('GET', '/api/v1/audit/verify', { token: auditor.token }))).json();
    expect(broken).toMatchObject({ ok: false, firstBrokenId: id, problems: [{ kind: 'mac-mismatch', id }] });
    expect((await verifyGET(request('GET', '/api/v1/audit/verify', { token: mktAdmin.token }))).status).toBe(403);
  });

  it('writes a many-page export in the worker pool, rows in order across pages', { timeout: 60_000 }, async () => {
    // Bulk rows after the edited one above: the export reads them, whatever the chain says.
    await appendChainedAuditRows(t.db, 2500);
    const csvTasks = async () => poolTasks(await metrics().registry.metrics(), 'audit-csv');
    const before = await csvTasks();
    const res = await exportGET(request('GET', '/api/v1/audit/export?action=task.create', { token: auditor.token }));
    const lines = (await res.text()).split('\r\n').slice(1, -1);
    expect(lines).toHaveLength(2500);
    const ids = lines.map((l) => Number(l.split(',')[0]));
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    // 1,000 rows a page: three pages, each written by a thread.
    expect((await csvTasks()) - before).toBe(3);
  });
});
