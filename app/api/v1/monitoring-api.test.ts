import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestDb } from '@/test/test-db';
import { testDbWithAdmin } from '@/test/admin';
import { params, request } from '@/test/http';
import { insertUser } from '@/db/queries/users';
import { insertAlert } from '@/db/queries/alerts';
import { issueTokens } from '@/lib/auth/session-tokens';
import { GET as statusGET } from './status/route';
import { GET as alertsGET } from './alerts/route';
import { POST as ackPOST } from './alerts/[id]/acknowledge/route';
import { POST as resolvePOST } from './alerts/[id]/resolve/route';
import { GET as historyGET } from './metrics/history/route';

let t: TestDb;
let admin: string;
let coordHr: string;
let readonlyHr: string;
let hrAlert: string;
let financeAlert: string;
let systemAlert: string;

async function tokenFor(username: string, role: 'department-coordinator' | 'readonly', depts: string[]) {
  const user = await insertUser(t.db, { username, passwordHash: 'x', role, departmentIds: depts });
  return (await issueTokens(t.db, user)).accessToken;
}

beforeAll(async () => {
  ({ t, token: admin } = await testDbWithAdmin());
  coordHr = await tokenFor('coord-hr', 'department-coordinator', ['hr']);
  readonlyHr = await tokenFor('ro-hr', 'readonly', ['hr']);
  const mk = async (departmentId: string | null, kind: string) =>
    (
      await insertAlert(t.db, {
        kind,
        severity: 'warning',
        departmentId,
        message: `${kind} in ${departmentId ?? 'system'}`,
        detail: { ruleKey: `${kind}:${departmentId}` },
      })
    ).id;
  hrAlert = await mk('hr', 'capacity_limit');
  financeAlert = await mk('finance', 'agents_offline');
  systemAlert = await mk(null, 'security');
});
afterAll(() => t.drop());

describe('GET /api/v1/status', () => {
  it('answers the system status with task metrics, resource use, open alerts and health', async () => {
    const res = await statusGET(request('GET', '/api/v1/status', { token: admin }));
    expect(res.status).toBe(200);
    const s = await res.json();
    expect(s.departments).toHaveLength(10);
    expect(s.taskMetrics).toMatchObject({
      queueDepth: expect.any(Number),
      tasksPerMin: expect.any(Number),
      busMsgPerSec: expect.any(Number),
    });
    expect(s.resources.capacity).toBeGreaterThan(0);
    expect(s.alerts.open).toBe(3);
    expect(s.alerts.bySeverity).toEqual({ warning: 3 });
    expect(s.health).toMatchObject({ database: { engine: t.engine, reachable: true }, redis: 'off' });
    expect(s.health.bus).toHaveProperty('listening');
  });

  it('confines a department user to their department and its alerts, without the system-wide ones', async () => {
    const res = await statusGET(request('GET', '/api/v1/status', { token: coordHr }));
    expect(res.status).toBe(200);
    const s = await res.json();
    expect(s.departments.map((d: { id: string }) => d.id)).toEqual(['hr']);
    expect(s.alerts.recent.map((a: { id: string }) => a.id).sort()).toEqual([hrAlert]);
  });

  it('answers 401 without a token', async () => {
    expect((await statusGET(request('GET', '/api/v1/status'))).status).toBe(401);
  });
});

describe('alerts REST', () => {
  it('lists alerts in the caller scope with a cursor', async () => {
    const all = await (await alertsGET(request('GET', '/api/v1/alerts?limit=2', { token: admin }))).json();
    expect(all.items).toHaveLength(2);
    expect(all.nextCursor).toEqual(expect.any(String));
    const rest = await (await alertsGET(request('GET', `/api/v1/alerts?limit=2&cursor=${all.nextCursor}`, { token: admin }))).json();
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    const hr = await (await alertsGET(request('GET', '/api/v1/alerts', { token: coordHr }))).json();
    expect(hr.items.map((a: { id: string }) => a.id)).toEqual([hrAlert]);
    expect((await alertsGET(request('GET', '/api/v1/alerts?departmentId=finance', { token: coordHr }))).status).toBe(404);
    const active = await (await alertsGET(request('GET', '/api/v1/alerts?status=active', { token: admin }))).json();
    expect(active.items).toHaveLength(3);
    expect((await alertsGET(request('GET', '/api/v1/alerts?status=bogus', { token: admin }))).status).toBe(400);
    expect((await alertsGET(request('GET', '/api/v1/alerts?cursor=garbage', { token: admin }))).status).toBe(400);
  });

  it('acknowledges then resolves, refusing repeats with 409', async () => {
    const ack = await ackPOST(request('POST', `/api/v1/alerts/${hrAlert}/acknowledge`, { token: coordHr }), params({ id: hrAlert }));
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({ status: 'acknowledged', acknowledgedBy: 'coord-hr' });
    expect((await ackPOST(request('POST', '/x', { token: coordHr }), params({ id: hrAlert }))).status).toBe(409);
    const res = await resolvePOST(request('POST', '/x', { token: admin }), params({ id: hrAlert }));
    expect(res.status).toBe(200);
    expect((await res.json()).status).toBe('resolved');
    expect((await resolvePOST(request('POST', '/x', { token: admin }), params({ id: hrAlert }))).status).toBe(409);
  });

  it('hides other departments (404), refuses roles without the permission (403), and hides system alerts from department roles (404)', async () => {
    expect((await ackPOST(request('POST', '/x', { token: coordHr }), params({ id: financeAlert }))).status).toBe(404);
    expect((await ackPOST(request('POST', '/x', { token: readonlyHr }), params({ id: hrAlert }))).status).toBe(403);
    expect((await ackPOST(request('POST', '/x', { token: coordHr }), params({ id: systemAlert }))).status).toBe(404);
    expect((await resolvePOST(request('POST', '/x', { token: coordHr }), params({ id: financeAlert }))).status).toBe(403);
  });

  it('answers malformed and unknown ids with 404', async () => {
    expect((await ackPOST(request('POST', '/x', { token: admin }), params({ id: 'not-a-uuid' }))).status).toBe(404);
    expect((await ackPOST(request('POST', '/x', { token: admin }), params({ id: '00000000-0000-4000-8000-00000000abcd' }))).status).toBe(
      404,
    );
  });
});

describe('GET /api/v1/metrics/history', () => {
  it('validates range and names with 400 and answers series', async () => {
    expect((await historyGET(request('GET', '/api/v1/metrics/history?range=2d&name=tasks_created', { token: admin }))).status).toBe(400);
    expect((await historyGET(request('GET', '/api/v1/metrics/history?range=1h&name=nope', { token: admin }))).status).toBe(400);
    expect((await historyGET(request('GET', '/api/v1/metrics/history?range=1h', { token: admin }))).status).toBe(400);
    const res = await historyGET(
      request('GET', '/api/v1/metrics/history?range=24h&name=tasks_created,queue_depth&departmentId=hr', { token: coordHr }),
    );
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      range: '24h',
      bucketSeconds: 900,
      departmentId: 'hr',
      series: { tasks_created: [], queue_depth: [] },
    });
    expect(
      (await historyGET(request('GET', '/api/v1/metrics/history?range=1h&name=tasks_created&departmentId=finance', { token: coordHr })))
        .status,
    ).toBe(404);
  });
});
