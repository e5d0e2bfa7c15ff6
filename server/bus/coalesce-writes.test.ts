import { createServer } from 'node:http';
import type { AddressInfo, Socket as NetSocket } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect, type Socket as ClientSocket } from 'socket.io-client';
import { coalesceWrites } from './coalesce-writes';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** A Socket.IO server with one connected websocket client; counts the system-call-level writes to it. */
async function setup(coalesce: boolean) {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  if (coalesce) closers.push(coalesceWrites(io));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => io.close(() => r())));
  const serverSide = new Promise<import('socket.io').Socket>((r) => io.on('connection', r));
  const client: ClientSocket = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, {
    transports: ['websocket'],
    reconnection: false,
  });
  closers.push(() => void client.disconnect());
  const socket = await serverSide;
  await new Promise<void>((r) => client.once('connect', () => r()));
  // What reaches the kernel: net.Socket hands one write or writev per flush to its handle.
  const raw = (socket.conn as unknown as { transport: { socket: { _socket: NetSocket } } }).transport.socket._socket;
  const calls = { n: 0 };
  const r = raw as unknown as { _writeGeneric: (...a: unknown[]) => unknown };
  const orig = r._writeGeneric.bind(raw);
  r._writeGeneric = (...a: unknown[]) => {
    calls.n++;
    return orig(...a);
  };
  return { io, socket, client, calls };
}

async function burst(coalesce: boolean) {
  const { io, socket, client, calls } = await setup(coalesce);
  const got: number[] = [];
  const all = new Promise<void>((resolve) =>
    client.on('m', (n: number) => {
      got.push(n);
      if (got.length === 40) resolve();
    }),
  );
  calls.n = 0;
  // One event-loop turn: 20 emits on the socket and 20 room broadcasts (pre-encoded frames).
  for (let i = 0; i < 20; i++) socket.emit('m', i);
  socket.join('room');
  for (let i = 20; i < 40; i++) io.to('room').emit('m', i);
  await all;
  return { got, writes: calls.n };
}

describe('coalesced writes', () => {
  // Engine.IO sends the first frame at once and queues the rest until that write completes, then
  // flushes them together: two system calls, the first frame and all the others.
  it('sends a burst to one connection in two system calls, in order', async () => {
    const { got, writes } = await burst(true);
    expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(writes).toBeLessThanOrEqual(2);
  });

  it('writes a lone frame at once, without waiting for the end of the turn', async () => {
    const { socket, client, calls } = await setup(true);
    const got = new Promise<number>((r) => client.once('m', r));
    calls.n = 0;
    socket.emit('m', 1);
    expect(calls.n).toBe(1);
    expect(await got).toBe(1);
  });

  it('merges what a turn of room broadcasts writes to each connection', async () => {
    const fanout = async (coalesce: boolean) => {
      const { io, socket, client, calls } = await setup(coalesce);
      const port = (io.httpServer.address() as AddressInfo).port;
      // Two more connections in the room; writes are counted on the first one, which the
      // broadcasts reach second (joined after the others).
      for (let i = 0; i < 2; i++) {
        const joined = new Promise<void>((r) =>
          io.once('connection', (s) => {
            s.join('room');
            r();
          }),
        );
        const c: ClientSocket = connect(`http://127.0.0.1:${port}`, { transports: ['websocket'], reconnection: false });
        closers.push(() => void c.disconnect());
        await joined;
      }
      socket.join('room');
      const got: number[] = [];
      const all = new Promise<void>((r) => client.on('m', (n: number) => got.push(n) === 10 && r()));
      calls.n = 0;
      for (let i = 0; i < 10; i++) io.to('room').emit('m', i);
      await all;
      expect(got).toEqual(Array.from({ length: 10 }, (_, i) => i));
      return calls.n;
    };
    expect(await fanout(true)).toBeLessThanOrEqual(2);
    expect(await fanout(false)).toBe(10);
  });

  it('without it, Socket.IO writes once per frame (the cost it removes)', async () => {
    const { got, writes } = await burst(false);
    expect(got).toHaveLength(40);
    expect(writes).toBe(40);
  });

  it('still answers acknowledgements both ways', async () => {
    const { socket, client } = await setup(true);
    client.on('ping-me', (x: number, ack: (y: number) => void) => ack(x + 1));
    socket.on('ask', (x: number, ack: (y: number) => void) => ack(x * 2));
    const replies = await Promise.all(Array.from({ length: 10 }, (_, i) => socket.timeout(2000).emitWithAck('ping-me', i)));
    expect(replies).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(await client.timeout(2000).emitWithAck('ask', 21)).toBe(42);
  });
});
