import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { and, eq, sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { principalOf } from '@/test/principals';
import { auditLog } from '@/db/schema/auth';
import { resetEnvCache } from '@/lib/env';
import type { AgentClient } from '@/lib/agent-sdk/client';
import { sendMessage } from '@/lib/bus/send';
import { resolveRecipients, resolveRecipientsCached } from '@/lib/bus/recipients';
import { MAX_MESSAGE_BYTES } from '@/lib/bus/schemas';
import { busStats, resetBusStats } from '@/lib/metrics/bus-stats';
import { startHarness, type Harness } from '../../test/harness';
import { apiAs, sleep, spawnAgent, waitFor, type ApiClient } from '../../sim/fleet';

type Msg = { id: string; from: Record<string, unknown>; type: string; data: { n?: number } | null };

let t: TestDb;
let h: Harness;
let api: ApiClient;
const DEPTS = ['engineering', 'marketing', 'sales', 'finance', 'hr'];
const agents: { client: AgentClient; departmentId: string }[] = [];
const inbox = new Map<string, Msg[]>();
let restSends = 0;

const ids = (dept?: string) => agents.filter((a) => !dept || a.departmentId === dept).map((a) => a.client.agentId);
const agent = (dept: string, i = 0) => agents.filter((a) => a.departmentId === dept)[i].client;
const post = async (body: unknown) => {
  const r = await api.call('POST', '/api/v1/messages', body);
  if (r.status === 201) restSends++;
  return r;
};

/** Every intended recipient got exactly one message of this type, and no other agent got any. */
async function expectExactlyOnce(type: string, intended: string[]) {
  const want = new Set(intended);
  await waitFor(() => intended.every((a) => inbox.get(a)!.some((m) => m.type === type)), 10_000);
  await sleep(300); // time for a stray duplicate or misdelivery to show up
  for (const a of ids()) {
    expect({ agent: a, n: inbox.get(a)!.filter((m) => m.type === type).length }).toEqual({ agent: a, n: want.has(a) ? 1 : 0 });
  }
}

beforeAll(async () => {
  // Grace before an agent counts as gone is 3 heartbeats: 6 s, longer than the 5 s offline test.
  process.env.HEARTBEAT_INTERVAL = '2000';
  resetEnvCache();
  t = await createTestDb({ adminPassword: 'bus-admin-password-1' });
  h = await startHarness();
  api = await apiAs(h.url, 'admin', 'bus-admin-password-1');
  // HR accepts messages from Legal only (the seed lets every department talk to every other).
  expect((await api.call('PATCH', '/api/v1/departments/hr', { collaboratesWith: ['legal'] })).status).toBe(200);
  const depts = (await api.call('GET', '/api/v1/departments?limit=50')).body.items as { id: string; specializations: string[] }[];
  resetBusStats();
  for (const d of DEPTS) {
    const spec = depts.find((x) => x.id === d)!.specializations[0];
    const batch = await Promise.all(
      Array.from({ length: 10 }, async () => {
        let self = '';
        const client = await spawnAgent(h.url, api, { departmentId: d, specialization: spec }, async () => null, {
          onMessage: (m) => inbox.get(self)!.push(m as Msg),
        });
        self = client.agentId;
        inbox.set(self, []);
        return { client, departmentId: d };
      }),
    );
    agents.push(...batch);
  }
}, 120_000);

afterAll(async () => {
  agents.forEach((a) => a.client.stop());
  await h?.close();
  await t?.drop();
  delete process.env.HEARTBEAT_INTERVAL;
  resetEnvCache();
});

describe('coordination bus: 50 agents, every kind of address', () => {
  it('delivers a direct message to each of the 50 agents exactly once, to no one else', async () => {
    expect(ids()).toHaveLength(50);
    for (const a of ids()) {
      const r = await post({ to: { agentId: a }, type: 'direct', data: { for: a } });
      expect(r.status).toBe(201);
      expect(r.body).toMatchObject({ id: expect.any(String), recipients: 1 });
    }
    await expectExactlyOnce('direct', ids());
    for (const a of ids()) expect(inbox.get(a)!.find((m) => m.type === 'direct')!.data).toEqual({ for: a });
  });

  it('delivers a department message (mode all) to that department only, from REST and from an agent', async () => {
    const r = await post({ to: { departmentId: 'sales' }, type: 'dept-rest', data: null });
    expect(r.body.recipients).toBe(10);
    await expectExactlyOnce('dept-rest', ids('sales'));
    const ack = await agent('engineering').send({ departmentId: 'marketing', mode: 'all' }, 'dept-agent', { hi: 1 });
    expect(ack).toMatchObject({ ok: true, data: { recipients: 10 } });
    await expectExactlyOnce('dept-agent', ids('marketing'));
    const got = inbox.get(ids('marketing')[0])!.find((m) => m.type === 'dept-agent')!;
    expect(got.from).toEqual({ agentId: agent('engineering').agentId, departmentId: 'engineering' });
  });

  it('delivers topic messages to current subscribers only, and stops after unsubscribe', async () => {
    const subs = [
      agent('engineering', 1),
      agent('sales', 2),
      agent('finance', 3),
      agent('hr', 4),
      agent('marketing', 5),
      agent('sales', 6),
      agent('hr', 7),
    ];
    for (const s of subs) expect(await s.subscribe('alerts.critical')).toMatchObject({ ok: true });
    const pub = await agent('finance', 0).publish('alerts.critical', { level: 'red' }, 'topic-1');
    expect(pub).toMatchObject({ ok: true, data: { recipients: 7 } });
    await expectExactlyOnce(
      'topic-1',
      subs.map((s) => s.agentId),
    );
    expect(await subs[0].unsubscribe('alerts.critical')).toMatchObject({ ok: true });
    const r = await post({ to: { topic: 'alerts.critical' }, type: 'topic-2', data: null });
    expect(r.body.recipients).toBe(6);
    await expectExactlyOnce(
      'topic-2',
      subs.slice(1).map((s) => s.agentId),
    );
    const stats = (await api.call('GET', '/api/v1/bus/stats')).body;
    expect(stats.topics).toContainEqual({ name: 'alerts.critical', subscribers: 6 });
  });

  it('broadcasts to all 50 agents exactly once', async () => {
    const r = await post({ to: { broadcast: true }, type: 'all', data: null });
    expect(r.body.recipients).toBe(50);
    await expectExactlyOnce('all', ids());
  });

  it('spreads 300 mode-one messages evenly over a department under round-robin', async () => {
    const sender = agent('hr', 0);
    for (let i = 0; i < 300; i++) {
      const ack = await sender.send({ departmentId: 'finance', mode: 'one' }, 'one', { n: i });
      expect(ack.ok).toBe(true);
    }
    await waitFor(() => ids('finance').reduce((s, a) => s + inbox.get(a)!.filter((m) => m.type === 'one').length, 0) === 300, 10_000);
    const counts = ids('finance').map((a) => inbox.get(a)!.filter((m) => m.type === 'one').length);
    for (const c of counts) expect(Math.abs(c - 30)).toBeLessThanOrEqual(3);
    const seen = ids('finance').flatMap((a) =>
      inbox
        .get(a)!
        .filter((m) => m.type === 'one')
        .map((m) => m.data!.n),
    );
    expect(new Set(seen).size).toBe(300);
    for (const a of ids().filter((x) => !ids('finance').includes(x))) expect(inbox.get(a)!.some((m) => m.type === 'one')).toBe(false);
  });
});

describe('coordination bus: authorization and limits', () => {
  it('lets an agent message another department only where that department collaborates with it', async () => {
    const fromSales = agent('sales', 0);
    const denied = await fromSales.send({ departmentId: 'hr' }, 'nope', null);
    expect(denied).toMatchObject({ ok: false, error: { status: 403 } });
    const deniedDirect = await fromSales.send({ agentId: ids('hr')[0] }, 'nope', null);
    expect(deniedDirect).toMatchObject({ ok: false, error: { status: 403 } });
    expect(await agent('hr', 1).send({ departmentId: 'hr', mode: 'one' }, 'own-dept', null)).toMatchObject({ ok: true });
    const broadcast = await fromSales.send({ broadcast: true }, 'nope', null);
    expect(broadcast).toMatchObject({ ok: false, error: { status: 403 } });
    await sleep(200);
    for (const a of ids()) expect(inbox.get(a)!.some((m) => m.type === 'nope')).toBe(false);
  });

  it('keeps a department topic namespace to that department and those it collaborates with', async () => {
    // HR collaborates with Legal only: a sales agent can neither listen in on nor publish into hr/…
    const outsider = agent('sales', 3);
    expect(await outsider.emit('subscribe', { topic: 'hr/payroll' })).toMatchObject({ ok: false, error: { status: 403 } });
    expect(await outsider.publish('hr/payroll', { forged: true }, 'ns-forged')).toMatchObject({ ok: false, error: { status: 403 } });
    const member = agent('hr', 2);
    expect(await member.subscribe('hr/payroll')).toMatchObject({ ok: true });
    expect(await agent('hr', 3).publish('hr/payroll', { run: 1 }, 'ns-own')).toMatchObject({ ok: true, data: { recipients: 1 } });
    await waitFor(() => inbox.get(member.agentId)!.some((m) => m.type === 'ns-own'), 10_000);
    // The seed lets Sales collaborate with every department: an engineering agent may use sales/…
    expect(await agent('engineering', 4).subscribe('sales/leads')).toMatchObject({ ok: true });
    // Organisation-wide topics stay open to all.
    expect(await outsider.subscribe('fleet.status')).toMatchObject({ ok: true });
    // Users: inside their departments only (404 outside, as for any department-scoped object).
    const coord = principalOf('department-coordinator', ['sales']);
    await expect(sendMessage(t.db, coord, { to: { topic: 'hr/payroll' }, type: 'x', data: null })).rejects.toMatchObject({ status: 404 });
    expect(() => resolveRecipientsCached(coord, { topic: 'hr/payroll' }, t.db)).toThrow(expect.objectContaining({ status: 404 }));
    await expect(sendMessage(t.db, coord, { to: { topic: 'sales/leads' }, type: 'ns-user', data: null })).resolves.toMatchObject({
      recipients: 1,
    });
    restSends++;
    await sleep(200);
    expect(inbox.get(member.agentId)!.some((m) => m.type === 'ns-forged')).toBe(false);
  });

  it('answers from its caches exactly as after asking the database, refusals included', async () => {
    const coord = principalOf('department-coordinator', ['sales']);
    const salesAgent = { agentId: ids('sales')[0] };
    const hrAgent = { agentId: ids('hr')[0] };
    // Asked once the long way (which fills the caches), then from the caches alone. With the
    // database at hand, as the bus calls it: a busy machine may pass the TTL between the two calls.
    expect(resolveRecipientsCached(coord, salesAgent, t.db)).toEqual(await resolveRecipients(t.db, coord, salesAgent));
    await expect(resolveRecipients(t.db, coord, hrAgent)).rejects.toMatchObject({ status: 404 });
    expect(() => resolveRecipientsCached(coord, hrAgent, t.db)).toThrow(expect.objectContaining({ status: 404 }));
    expect(resolveRecipientsCached(coord, { topic: 'bench.t1' })).toEqual(await resolveRecipients(t.db, coord, { topic: 'bench.t1' }));
    expect(() => resolveRecipientsCached(principalOf('readonly', []), { topic: 'a' })).toThrow(expect.objectContaining({ status: 403 }));
    // Nothing cached for an unknown agent, and department sends always ask: the caller goes the long way.
    const unknown = { agentId: '00000000-0000-4000-8000-00000000dead' };
    await expect(resolveRecipients(t.db, coord, unknown)).rejects.toMatchObject({ status: 404 });
    expect(resolveRecipientsCached(coord, unknown)).toBeUndefined();
    expect(resolveRecipientsCached(coord, { departmentId: 'sales', mode: 'all' })).toBeUndefined();
  });

  it('serves a just-expired department from the cache while one query refreshes it, and asks again past two TTLs', async () => {
    type Entry = { row: unknown; at: number };
    const c = (globalThis as unknown as { __ecsBusCache: { depts: Map<string, Entry>; deptLoads: Map<string, Promise<unknown>> } })
      .__ecsBusCache;
    const coord = principalOf('department-coordinator', ['sales']);
    const to = { agentId: ids('sales')[0] };
    const fresh = await resolveRecipients(t.db, coord, to);
    const entry = c.depts.get('sales')!;
    entry.at = Date.now() - 5_001;
    // Many messages meanwhile: all answered at once from the stale row, one query between them.
    for (let i = 0; i < 50; i++) expect(resolveRecipientsCached(coord, to, t.db)).toEqual(fresh);
    expect(c.deptLoads.size).toBe(1);
    await c.deptLoads.get('sales');
    expect(Date.now() - c.depts.get('sales')!.at).toBeLessThan(5_000 / 2 + 1000);
    c.depts.get('sales')!.at = Date.now() - 10_001;
    expect(resolveRecipientsCached(coord, to, t.db)).toBeUndefined();
    // Without a database to refresh from, an expired entry is never used.
    c.depts.get('sales')!.at = Date.now() - 5_001;
    expect(resolveRecipientsCached(coord, to)).toBeUndefined();
    await Promise.all(c.deptLoads.values());
  });

  it('keeps a department-scoped user inside its departments (404 outside, no broadcast)', async () => {
    const coord = principalOf('department-coordinator', ['sales']);
    await expect(
      sendMessage(t.db, coord, { to: { departmentId: 'sales', mode: 'all' }, type: 'scoped', data: null }),
    ).resolves.toMatchObject({ recipients: 10 });
    await expect(sendMessage(t.db, coord, { to: { departmentId: 'hr', mode: 'all' }, type: 'x', data: null })).rejects.toMatchObject({
      status: 404,
    });
    await expect(sendMessage(t.db, coord, { to: { agentId: ids('hr')[0] }, type: 'x', data: null })).rejects.toMatchObject({ status: 404 });
    await expect(sendMessage(t.db, coord, { to: { broadcast: true }, type: 'x', data: null })).rejects.toMatchObject({ status: 403 });
    const readonly = principalOf('readonly', []);
    await expect(sendMessage(t.db, readonly, { to: { topic: 'a' }, type: 'x', data: null })).rejects.toMatchObject({ status: 403 });
    restSends++; // the scoped send above went through the REST door's function and was audited
  });

  it('answers bad input with 4xx: oversize 413, bad address 400, unknown agent 404, never 500', async () => {
    const big = 'x'.repeat(MAX_MESSAGE_BYTES + 1);
    const r413 = await post({ to: { departmentId: 'sales' }, type: 'big', data: big });
    expect(r413.status).toBe(413);
    expect(r413.body.detail).toContain(`limit is ${MAX_MESSAGE_BYTES}`);
    expect(await agent('sales', 1).send({ departmentId: 'sales' }, 'big', big)).toMatchObject({ ok: false, error: { status: 413 } });
    expect((await post({ to: {}, type: 'x' })).status).toBe(400);
    expect((await post({ to: { agentId: 'not-a-uuid' }, type: 'x' })).status).toBe(400);
    expect((await post({ to: { departmentId: 'sales', mode: 'some' }, type: 'x' })).status).toBe(400);
    expect((await post({ to: { topic: '../../etc' }, type: 'x' })).status).toBe(400);
    expect((await post({ to: { agentId: '00000000-0000-4000-8000-000000000000' }, type: 'x' })).status).toBe(404);
    expect((await post({ to: { departmentId: 'nope' }, type: 'x' })).status).toBe(404);
    expect(await agent('sales', 1).emit('subscribe', { topic: '' })).toMatchObject({ ok: false, error: { status: 400 } });
  });

  it('audits REST sends but not socket traffic, which is counted in the bus stats', async () => {
    const [row] = await t.db
      .select({ n: sql<number>`count(*)::int` })
      .from(auditLog)
      .where(and(eq(auditLog.action, 'message.send')));
    expect(row.n).toBe(restSends);
    const stats = (await api.call('GET', '/api/v1/bus/stats')).body;
    expect(stats.totals.socketSends).toBeGreaterThanOrEqual(302);
    expect(stats.totals.messages.department).toBeGreaterThanOrEqual(302);
    expect(stats.totals.deliveries).toBeGreaterThanOrEqual(50 + 10 + 10 + 7 + 6 + 50 + 300);
    expect(stats.latencyMs.p99).toBeGreaterThan(0);
    expect(stats.connections).toBe(50);
  });
});

describe('coordination bus: offline buffer', () => {
  it('delivers what an agent missed during 5 s offline, in order, once, on reconnect', async () => {
    const x = agent('engineering', 9);
    const nsp = h.io.of('/agents');
    x.socket.disconnect();
    await waitFor(() => !nsp.adapter.rooms.get(`agent:${x.agentId}`));
    const before = inbox.get(x.agentId)!.length;
    const offlineAt = Date.now();
    for (let n = 0; n < 20; n++) {
      expect((await post({ to: { agentId: x.agentId }, type: 'missed', data: { n } })).status).toBe(201);
      if (n % 5 === 4) await agent('engineering', 0).send({ departmentId: 'engineering' }, 'missed-dept', { n });
    }
    await sleep(5000 - (Date.now() - offlineAt));
    expect(inbox.get(x.agentId)!.length).toBe(before);
    expect(busStats().bufferDepth).toBeGreaterThanOrEqual(24);
    x.socket.connect();
    await waitFor(() => inbox.get(x.agentId)!.filter((m) => m.type === 'missed').length === 20, 10_000);
    await sleep(300);
    const got = inbox.get(x.agentId)!.slice(before);
    expect(got.filter((m) => m.type === 'missed').map((m) => m.data!.n)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    // Interleaved department messages keep their place in the sequence too.
    expect(got.map((m) => `${m.type}:${m.data!.n}`).slice(0, 6)).toEqual([
      'missed:0',
      'missed:1',
      'missed:2',
      'missed:3',
      'missed:4',
      'missed-dept:4',
    ]);
    expect(got.filter((m) => m.type === 'missed-dept')).toHaveLength(4);
    expect(busStats().totals.bufferedDelivered).toBeGreaterThanOrEqual(24);
    expect(busStats().bufferDepth).toBe(0);
  });
});

describe('coordination bus: acknowledgements', () => {
  it('re-sends a message whose acknowledgement does not come, and counts the retry', async () => {
    const created = await api.call('POST', '/api/v1/agents', { departmentId: 'sales', type: 'worker', specialization: 'lead-generation' });
    const { agentId, secret } = created.body.credentials;
    const token = (
      await (
        await fetch(`${h.url}/api/v1/agents/${agentId}/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ secret }),
        })
      ).json()
    ).accessToken;
    const { io } = await import('socket.io-client');
    const raw = io(`${h.url}/agents`, { transports: ['websocket'], auth: { token }, reconnection: false });
    const seen: { id: string; at: number }[] = [];
    raw.on('message', (m: { id: string; type: string }, ack: (r: unknown) => void) => {
      if (m.type !== 'retry-me') return;
      seen.push({ id: m.id, at: Date.now() });
      // Drops the first acknowledgement, as a client whose ack was lost on the way would.
      if (seen.length > 1) ack({ agentId });
    });
    await new Promise((r) => raw.once('ready', r));
    const retriesBefore = busStats().totals.retries;
    const sent = await post({ to: { agentId }, type: 'retry-me', data: null });
    expect(sent.status).toBe(201);
    await waitFor(() => seen.length >= 2, 15_000);
    expect(seen[1].id).toBe(seen[0].id);
    expect(seen[1].at - seen[0].at).toBeGreaterThanOrEqual(4000);
    await sleep(200);
    expect(seen).toHaveLength(2);
    expect(busStats().totals.retries).toBe(retriesBefore + 1);
    raw.disconnect();
  }, 20_000);
});
