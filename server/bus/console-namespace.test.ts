import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server, type Namespace } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '@/db/testing/test-db';
import { makeUser } from '@/db/testing/users';
import { publishLive } from '@/lib/live';
import { roles } from '@/db/schema/auth';
import { agents } from '@/db/schema/work';
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

  it('encodes nothing while no console is connected here, unless consoles on other processes share the namespace', () => {
    // Servers not attached to HTTP: nothing to close, no socket can join.
    const local = registerConsoleNamespace(new Server());
    const localCount = countBroadcasts(local.nsp);
    publishLive({ type: 'task:update', scope: 'marketing', data: {} });
    expect(localCount()).toBe(0);
    local.stop();
    const shared = registerConsoleNamespace(new Server(), { shared: true });
    const sharedCount = countBroadcasts(shared.nsp);
    publishLive({ type: 'task:update', scope: 'marketing', data: {} });
    expect(sharedCount()).toBe(1);
    shared.stop();
  });

  it('refuses a handshake without a valid token', async () => {
    await expect(client('not-a-valid-token-at-all')).rejects.toThrow();
  });

  // The access matrix for the socket doors: who may join which namespace, per role.
  it.each([...roles])('handshakes as %s: /console for people, /agents for agents only', async (role) => {
    let token: string;
    if (role === 'agent') {
      const [a] = await t.db.insert(agents).values({ departmentId: 'marketing', name: 'sock', type: 'worker', specialization: 'campaigns', secretHash: sha256('x') }).returning();
      token = await signToken({ sub: a.id, typ: 'agent', dept: 'marketing' }, 600);
    } else {
      token = (await makeUser(t.db, role, scopedRoles.has(role) ? ['marketing'] : [])).token;
    }
    expect(await admits('/console', token)).toBe(role !== 'agent');
    expect(await admits('/agents', token)).toBe(role === 'agent');
  });
});

/** Counts what the namespace's adapter is asked to broadcast (each is an encoded packet). */
function countBroadcasts(nsp: Namespace): () => number {
  let n = 0;
  const adapter = nsp.adapter as unknown as { broadcast: (...a: unknown[]) => void };
  const orig = adapter.broadcast.bind(adapter);
  adapter.broadcast = (...a) => (n++, orig(...a));
  return () => n;
}
