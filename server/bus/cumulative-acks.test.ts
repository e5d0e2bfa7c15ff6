import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { io, type Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '@/test/test-db';
import { busStats } from '@/lib/metrics/bus-stats';
import { startHarness, type Harness } from '../../test/harness';
import { apiAs, sleep, waitFor, type ApiClient } from '../../sim/fleet';
import { ACK_TIMEOUT_MS } from './messaging';

type Got = { id: string; type: string; data: { n?: number } | null; seq?: number; hadAck: boolean; at: number };
type Raw = { agentId: string; token: string; sock: Socket; got: Got[] };

let t: TestDb;
let h: Harness;
let api: ApiClient;
const specs = new Map<string, string>();
const socks: Socket[] = [];

/** An agent on a bare socket.io-client, so the test sees the wire: numbered or with a Socket.IO ack. */
async function connect(agentId: string, token: string, cumulative: boolean, got: Got[] = []): Promise<Raw> {
  const sock = io(`${h.url}/agents`, {
    transports: ['websocket'],
    reconnection: false,
    auth: cumulative ? { token, acks: 'cumulative' } : { token },
  });
  socks.push(sock);
  sock.on('message', (m: Omit<Got, 'hadAck' | 'at'>, ack?: (r: unknown) => void) => {
    got.push({ id: m.id, type: m.type, data: m.data, seq: m.seq, hadAck: typeof ack === 'function', at: Date.now() });
    ack?.({ agentId });
  });
  await new Promise((r) => sock.once('ready', r));
  return { agentId, token, sock, got };
}

async function rawAgent(departmentId: string, cumulative: boolean): Promise<Raw> {
  const created = await api.call('POST', '/api/v1/agents', { departmentId, type: 'worker', specialization: specs.get(departmentId) });
  const { agentId, secret } = created.body.credentials;
  const res = await fetch(`${h.url}/api/v1/agents/${agentId}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ secret }),
  });
  return connect(agentId, ((await res.json()) as { accessToken: string }).accessToken, cumulative);
}

const post = (to: unknown, type: string, data: unknown = null) => api.call('POST', '/api/v1/messages', { to, type, data });
const totals = () => busStats().totals;

beforeAll(async () => {
  t = await createTestDb({ adminPassword: 'cumack-admin-password-1' });
  h = await startHarness({ loops: false });
  api = await apiAs(h.url, 'admin', 'cumack-admin-password-1');
  const depts = (await api.call('GET', '/api/v1/departments?limit=50')).body.items as { id: string; specializations: string[] }[];
  for (const d of depts) specs.set(d.id, d.specializations[0]);
}, 60_000);

afterAll(async () => {
  socks.forEach((s) => s.disconnect());
  await h?.close();
  await t?.drop();
});

describe('cumulative acknowledgements (auth.acks: "cumulative")', () => {
  it('numbers messages; one ack settles every message up to its seq, and only the rest are re-sent', async () => {
    const a = await rawAgent('legal', true);
    const before = totals();
    for (let n = 0; n < 4; n++) expect((await post({ agentId: a.agentId }, 'cum', { n })).status).toBe(201);
    await waitFor(() => a.got.length === 4, 5000);
    expect(a.got.every((m) => typeof m.seq === 'number' && !m.hadAck)).toBe(true);
    const seqs = a.got.map((m) => m.seq!);
    expect([...seqs].sort((x, y) => x - y)).toEqual(seqs);

    a.sock.emit('ack', { seq: seqs[1] });
    await waitFor(() => totals().deliveries === before.deliveries + 2, 2000);
    // The two the ack did not cover come again after the acknowledgement timeout, same ids, new numbers.
    await waitFor(() => a.got.length === 6, ACK_TIMEOUT_MS + 3000);
    const again = a.got.slice(4);
    expect(again.map((m) => m.data!.n)).toEqual([2, 3]);
    expect(again.map((m) => m.id)).toEqual([a.got[2].id, a.got[3].id]);
    expect(again[0].seq!).toBeGreaterThan(seqs[3]);
    expect(again[0].at - a.got[2].at).toBeGreaterThanOrEqual(ACK_TIMEOUT_MS - 50);
    expect(totals().retries).toBe(before.retries + 2);

    a.sock.emit('ack', { seq: again[1].seq });
    await sleep(ACK_TIMEOUT_MS + 800);
    expect(a.got).toHaveLength(6);
    expect(totals().deliveries).toBe(before.deliveries + 4);
    expect(totals().retries).toBe(before.retries + 2);
  }, 20_000);

  it('mixes both kinds: a Socket.IO ack per message for agents that did not ask, numbers for those that did', async () => {
    const dept = 'finance';
    const old = await rawAgent(dept, false);
    const fresh = await rawAgent(dept, true);
    const before = totals();
    const r = await post({ departmentId: dept }, 'mixed');
    expect(r.body.recipients).toBe(2);
    await waitFor(() => old.got.length === 1 && fresh.got.length === 1, 5000);
    expect(old.got[0]).toMatchObject({ type: 'mixed', hadAck: true, seq: undefined });
    expect(fresh.got[0]).toMatchObject({ type: 'mixed', hadAck: false, seq: expect.any(Number) });
    // An ack that asks for an answer gets one; a malformed one is refused, never fatal to the socket.
    expect(await fresh.sock.timeout(2000).emitWithAck('ack', { seq: 'x' })).toMatchObject({ ok: false, error: { status: 400 } });
    expect(await fresh.sock.timeout(2000).emitWithAck('ack', { seq: fresh.got[0].seq })).toEqual({ ok: true, data: null });
    expect(totals().deliveries).toBe(before.deliveries + 2);
    await sleep(ACK_TIMEOUT_MS + 800);
    expect([old.got.length, fresh.got.length]).toEqual([1, 1]);
    expect(totals().retries).toBe(before.retries);
  }, 20_000);

  it('buffers what a closed connection left unacknowledged at once, and replays it with per-message acks', async () => {
    const a = await rawAgent('legal', true);
    const before = totals();
    for (let n = 0; n < 3; n++) await post({ agentId: a.agentId }, 'left', { n });
    await waitFor(() => a.got.length === 3, 5000);
    a.sock.emit('ack', { seq: a.got[0].seq });
    await waitFor(() => totals().deliveries === before.deliveries + 1, 2000);
    a.sock.disconnect();
    await waitFor(() => totals().buffered === before.buffered + 2, 2000);

    const back = await connect(a.agentId, a.token, true);
    await waitFor(() => back.got.length === 2, 5000);
    // The replay asks for a Socket.IO ack per message (answered above), whatever the agent asked for.
    expect(back.got.map((m) => [m.data!.n, m.hadAck, m.seq])).toEqual([
      [1, true, undefined],
      [2, true, undefined],
    ]);
    await waitFor(() => totals().bufferedDelivered === before.bufferedDelivered + 2, 2000);
    expect(busStats().bufferDepth).toBe(0);
  }, 20_000);
});
