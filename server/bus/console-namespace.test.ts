import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, type Namespace } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { eq } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { makeUser } from '@/test/users';
import { consoleCookie } from '@/test/console-cookie';
import { publishLive } from '@/lib/live';
import { roles } from '@/db/vocabulary';
import { agents, tasks } from '@/db/schema/work';
import { signToken } from '@/lib/keys/jwt';
import { sha256 } from '@/lib/keys/secret';
import { scopedRoles } from '@/lib/permissions/rbac';
import { registerConsoleNamespace } from './console-namespace';
import { agentHandshake } from './handshake';

let t: TestDb;
let http: HttpServer;
let ioServer: Server;
let stop: () => void;
let url: string;
const clients: Socket[] = [];

beforeAll(async () => {
  t = await createTestDb();
  http = createServer();
  ioServer = new Server(http);
  stop = registerConsoleNamespace(ioServer).stop;
  // The /agents namespace admits through this same middleware (server/bus/agents-namespace.ts).
  ioServer.of('/agents').use(agentHandshake);
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(http.address() as AddressInfo).port}/console`;
});
afterAll(async () => {
  for (const c of clients) c.close();
  stop();
  http.closeAllConnections();
  await new Promise<void>((r) => ioServer.close(() => r()));
  await t.drop();
});

const base = () => url.replace(/\/console$/, '');

/** Resolves to true when the namespace admits the token, false when the handshake refuses it. */
function admits(namespace: string, token: string): Promise<boolean> {
  const socket = connect(`${base()}${namespace}`, { auth: { token }, transports: ['websocket'], reconnection: false, timeout: 3000 });
  clients.push(socket);
  return new Promise((resolve) => {
    socket.on('connect', () => resolve(true));
    socket.on('connect_error', () => resolve(false));
  });
}

/** A console client that records every `alert` it is sent. */
async function client(token: string): Promise<{ socket: Socket; alerts: unknown[] }> {
  const socket = connect(url, { auth: { token }, transports: ['websocket'], reconnection: false, timeout: 3000 });
  clients.push(socket);
  const alerts: unknown[] = [];
  socket.on('alert', (a) => alerts.push(a));
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', () => resolve());
    socket.on('connect_error', reject);
  });
  return { socket, alerts };
}

describe('/console pushes are scoped to what the user may see', () => {
  it('a Marketing coordinator gets Marketing events only, and no security alerts; an auditor gets all', async () => {
    const coord = await client((await makeUser(t.db, 'department-coordinator', ['marketing'])).token);
    const auditor = await client((await makeUser(t.db, 'auditor')).token);
    publishLive({ type: 'alert', scope: 'engineering', data: { n: 'engineering' } });
    publishLive({ type: 'alert', scope: 'marketing', data: { n: 'marketing' } });
    publishLive({ type: 'alert', scope: null, permission: 'security:read', data: { n: 'security' } });
    publishLive({ type: 'alert', scope: null, data: { n: 'everyone' } });
    await new Promise((r) => setTimeout(r, 300));
    expect(coord.alerts).toEqual([{ n: 'marketing' }, { n: 'everyone' }]);
    expect(auditor.alerts).toEqual([{ n: 'engineering' }, { n: 'marketing' }, { n: 'security' }, { n: 'everyone' }]);
  });

  it('encodes nothing while no console is connected anywhere; broadcasts to other processes only while they say they have consoles', () => {
    // Servers not attached to HTTP: nothing to close, no socket can join.
    const local = registerConsoleNamespace(new Server());
    const localCount = countBroadcasts(local.nsp);
    publishLive({ type: 'task:update', scope: 'marketing', data: {} });
    expect(localCount()).toBe(0);
    local.stop();
    const shared = registerConsoleNamespace(new Server(), { shared: true });
    const sharedCount = countBroadcasts(shared.nsp);
    publishLive({ type: 'task:update', scope: 'marketing', data: {} });
    expect(sharedCount()).toBe(0);
    // Another process announces its consoles (a server-side emit through the adapter).
    (shared.nsp as unknown as { _onServerSideEmit: (args: unknown[]) => void })._onServerSideEmit(['consoles:here']);
    publishLive({ type: 'task:update', scope: 'marketing', data: {} });
    expect(sharedCount()).toBe(1);
    expect(sharedCount.local).toBe(0); // through the adapter to the other processes, not here only
    shared.stop();
  });

  it('refuses a handshake without a valid token', async () => {
    await expect(client('not-a-valid-token-at-all')).rejects.toThrow();
  });

  // The access matrix for the socket doors: who may join which namespace, per role.
  it.each([...roles])('handshakes as %s: /console for people, /agents for agents only', async (role) => {
    let token: string;
    if (role === 'agent') {
      const [a] = await t.db
        .insert(agents)
        .values({ departmentId: 'marketing', name: 'sock', type: 'worker', specialization: 'campaigns', secretHash: sha256('x') })
        .returning();
      token = await signToken({ sub: a.id, typ: 'agent', dept: 'marketing' }, 600);
    } else {
      token = (await makeUser(t.db, role, scopedRoles.has(role) ? ['marketing'] : [])).token;
    }
    expect(await admits('/console', token)).toBe(role !== 'agent');
    expect(await admits('/agents', token)).toBe(role === 'agent');
  });
});

/** Counts what the namespace's adapter is asked to broadcast (each is an encoded packet). */
function countBroadcasts(nsp: Namespace): (() => number) & { local: number } {
  let n = 0;
  const count = Object.assign(() => n, { local: 0 });
  const adapter = nsp.adapter as unknown as { broadcast: (packet: unknown, opts: { flags?: { local?: boolean } }) => void };
  const orig = adapter.broadcast.bind(adapter);
  adapter.broadcast = (packet, opts) => {
    n++;
    if (opts.flags?.local) count.local++;
    orig(packet, opts);
  };
  return count;
}

async function producer(opts: { token?: string; cookie?: string }): Promise<Socket> {
  const socket = connect(url, {
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: opts.cookie ? { cookie: opts.cookie } : {},
    transports: ['websocket'],
    reconnection: false,
    timeout: 3000,
  });
  clients.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.on('connect', () => resolve());
    socket.on('connect_error', reject);
  });
  return socket;
}

type Ack = {
  ok: boolean;
  data?: { results: { index: number; id?: string; error?: { status: number } }[]; created: number; failed: number };
  error?: { status: number; results?: unknown[] };
};
const create = (socket: Socket, payload: unknown) => socket.timeout(5000).emitWithAck('task:create', payload) as Promise<Ack>;
const kind = () => `socket-${randomBytes(4).toString('hex')}`;
const countOf = async (type: string) => (await t.db.select().from(tasks).where(eq(tasks.type, type))).length;

describe('task:create on /console', () => {
  it('creates the valid tasks of an array and answers each invalid one by index, as the REST batch does', async () => {
    const socket = await producer({ token: (await makeUser(t.db, 'department-coordinator', ['legal'])).token });
    const type = kind();
    const ack = await create(socket, [
      { title: 'one', departmentId: 'legal', type },
      { title: 'no department', type },
      { title: 'elsewhere', departmentId: 'engineering', type },
    ]);
    expect(ack.ok).toBe(true);
    expect(ack.data).toMatchObject({ created: 1, failed: 2 });
    expect(ack.data!.results[1].error).toMatchObject({ status: 400 });
    expect(ack.data!.results[2].error).toMatchObject({ status: 404 });
    expect(await countOf(type)).toBe(1);
  });

  it('takes one task as an object, and refuses a payload of invalid tasks only, creating nothing', async () => {
    const socket = await producer({ token: (await makeUser(t.db, 'super-admin')).token });
    const type = kind();
    const one = await create(socket, { title: 'single', department: 'sales', type });
    expect(one).toMatchObject({ ok: true, data: { created: 1, failed: 0, results: [{ index: 0, status: 'pending' }] } });
    const bad = await create(socket, [{ title: '', departmentId: 'sales', type }]);
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatchObject({ status: 400, results: [{ index: 0, error: { status: 400 } }] });
    const none = await create(socket, 'not a task');
    expect(none).toMatchObject({ ok: false, error: { status: 400, results: [{ index: 0, error: { status: 400 } }] } });
    const many = await create(
      socket,
      Array.from({ length: 1001 }, () => ({ title: 'too many', departmentId: 'sales', type })),
    );
    expect(many).toMatchObject({ ok: false, error: { status: 400, errors: [{ message: 'At most 1000 tasks in one batch: split it' }] } });
    expect(await countOf(type)).toBe(1);
  });

  it('refuses a principal without task:create, and a connection opened with the console cookie (a page could open one in the browser)', async () => {
    const type = kind();
    const reader = await producer({ token: (await makeUser(t.db, 'readonly')).token });
    expect(await create(reader, { title: 'no', departmentId: 'sales', type })).toMatchObject({ ok: false, error: { status: 403 } });
    const user = await makeUser(t.db, 'super-admin');
    const tab = await producer({ cookie: (await consoleCookie(t.db, user)).cookie });
    expect(await create(tab, { title: 'no', departmentId: 'sales', type })).toMatchObject({ ok: false, error: { status: 403 } });
    expect(await countOf(type)).toBe(0);
  });
});
