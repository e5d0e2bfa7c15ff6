import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { listen } from './listen';

const open: Server[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => new Promise((r) => s.close(r))));
});

describe('listen', () => {
  it('rejects with EADDRINUSE when the port is taken, instead of leaving an uncaught error behind', async () => {
    const first = createServer();
    open.push(first);
    await listen(first, 0, '127.0.0.1');
    const port = (first.address() as AddressInfo).port;
    const second = createServer();
    await expect(listen(second, port, '127.0.0.1')).rejects.toMatchObject({ code: 'EADDRINUSE' });
    expect(second.listening).toBe(false);
    expect(second.listenerCount('error')).toBe(0);
  });

  it('resolves once listening and leaves no error listener of its own', async () => {
    const s = createServer();
    open.push(s);
    await listen(s, 0, '127.0.0.1');
    expect(s.listening).toBe(true);
    expect(s.listenerCount('error')).toBe(0);
  });
});
