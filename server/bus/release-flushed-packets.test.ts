import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { Server } from 'socket.io';
import { io as connect } from 'socket.io-client';
import { releaseFlushedPackets } from './release-flushed-packets';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

/** Sends a burst (queued behind the first write, so flushed several at a time) and keeps every array Engine.IO flushed. */
async function burst(release: boolean, transport: 'websocket' | 'polling') {
  const http = createServer();
  const io = new Server(http, { serveClient: false });
  const flushed: unknown[][] = [];
  // Registered first, so it sees each array before anything else runs.
  (io.engine as unknown as { on(e: 'flush', f: (c: unknown, p: unknown[]) => void): void }).on('flush', (_c, p) => void flushed.push(p));
  if (release) closers.push(releaseFlushedPackets(io));
  await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
  closers.push(() => new Promise<void>((r) => io.close(() => r())));
  const serverSide = new Promise<import('socket.io').Socket>((r) => io.on('connection', r));
  const client = connect(`http://127.0.0.1:${(http.address() as AddressInfo).port}`, { transports: [transport], reconnection: false });
  closers.push(() => void client.disconnect());
  const socket = await serverSide;
  await new Promise<void>((r) => (client.connected ? r() : client.once('connect', () => r())));
  const got: number[] = [];
  const all = new Promise<void>((resolve) =>
    client.on('n', (n: number) => {
      got.push(n);
      if (got.length === 40) resolve();
    }),
  );
  for (let i = 0; i < 40; i++) socket.emit('n', i);
  await all;
  return { got, flushed };
}

describe('releaseFlushedPackets', () => {
  for (const transport of ['websocket', 'polling'] as const) {
    it(`empties every flushed packet array once written, and every packet arrives in order (${transport})`, async () => {
      const { got, flushed } = await burst(true, transport);
      expect(got).toEqual(Array.from({ length: 40 }, (_, i) => i));
      expect(flushed.length).toBeGreaterThan(0);
      expect(flushed.some((p) => p === undefined)).toBe(false);
      expect(flushed.map((p) => p.length)).toEqual(flushed.map(() => 0));
    });
  }

  it('leaves them as they are without it (what the test above would see)', async () => {
    const { got, flushed } = await burst(false, 'websocket');
    expect(got).toHaveLength(40);
    expect(flushed.reduce((n, p) => n + p.length, 0)).toBeGreaterThanOrEqual(40);
  });
});
