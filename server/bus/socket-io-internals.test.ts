import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Socket as NetSocket } from 'node:net';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * coalesce-writes.ts, release-flushed-packets.ts and the agent SDK reach into Socket.IO's and
 * Engine.IO's private parts. package.json pins their exact versions; this fails when an upgrade
 * moves what they rely on, instead of the server silently losing what those modules do.
 */
let server: ReturnType<typeof createServer>;
let io: Server;
let url: string;
beforeAll(async () => {
  server = createServer();
  io = new Server(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((r) => io.close(() => r()));
});

const version = (name: string) =>
  JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../node_modules', name, 'package.json'), 'utf8')).version;

describe('the Socket.IO internals this server relies on', () => {
  it('are those of the pinned versions', () => {
    const pkg = JSON.parse(readFileSync(path.resolve(import.meta.dirname, '../../package.json'), 'utf8'));
    for (const name of ['socket.io', 'socket.io-client', 'engine.io', 'engine.io-client'])
      expect(version(name), name).toBe(pkg.dependencies[name]);
  });

  it('keep namespaces in io._nsps and broadcast through adapter.broadcast / broadcastWithAck', () => {
    const nsps = (io as unknown as { _nsps: unknown })._nsps;
    expect(nsps).toBeInstanceOf(Map);
    const adapter = io.of('/agents').adapter as unknown as Record<string, unknown>;
    expect(typeof adapter.broadcast).toBe('function');
    expect(typeof adapter.broadcastWithAck).toBe('function');
  });

  it("emit 'flush' with the connection and its packet array, then 'drain', and expose the websocket's TCP socket", async () => {
    const seen: { transport?: string; raw?: unknown; packets?: unknown }[] = [];
    let drained = 0;
    io.engine.on('flush', (conn: { transport?: { name?: string; socket?: { _socket?: unknown } } }, packets: unknown) =>
      seen.push({ transport: conn.transport?.name, raw: conn.transport?.socket?._socket, packets }),
    );
    io.engine.on('drain', () => drained++);
    io.of('/agents').on('connection', (s) => s.emit('hello', 1));
    const client = connect(`${url}/agents`, { transports: ['websocket'] });
    await new Promise<void>((r) => client.once('hello', () => r()));
    client.close();
    const ws = seen.find((f) => f.transport === 'websocket');
    expect(ws).toBeDefined();
    expect(ws!.raw).toBeInstanceOf(NetSocket);
    expect(Array.isArray(ws!.packets)).toBe(true);
    expect(drained).toBeGreaterThan(0);
  });

  it("keep the client manager's target in io.uri, which failover rewrites", () => {
    const client = connect(`${url}/agents`, { autoConnect: false, transports: ['websocket'] });
    expect((client.io as unknown as { uri: string }).uri).toBe(`${url}/agents`);
  });
});
