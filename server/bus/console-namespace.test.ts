import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket } from 'socket.io-client';
import { createTestDb, type TestDb } from '@/db/testing/test-db';
import { makeUser } from '@/db/testing/users';
import { publishLive } from '@/lib/live';
import { registerConsoleNamespace } from './console-namespace';

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

  it('refuses a handshake without a valid token', async () => {
    await expect(client('not-a-valid-token-at-all')).rejects.toThrow();
  });
});
