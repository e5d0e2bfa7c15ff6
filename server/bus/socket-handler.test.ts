import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { Socket } from 'socket.io';
import { currentLogContext } from '@/lib/log';
import { handle } from './socket-handler';

describe('socket events and log context', () => {
  it('runs each event under its own request id, visible to lib/ code it calls', async () => {
    const socket = Object.assign(new EventEmitter(), { id: 'sock-A' }) as unknown as Socket;
    // Stands in for a lib/ function: it sees the context without being handed it.
    handle(socket, 'task:progress', z.object({ n: z.number() }), async () => {
      await new Promise((r) => setTimeout(r, 5));
      return currentLogContext();
    });
    const ask = () =>
      new Promise<{ ok: boolean; data: Record<string, unknown> }>((resolve) =>
        (socket as unknown as EventEmitter).emit('task:progress', { n: 1 }, resolve),
      );
    const [a, b] = await Promise.all([ask(), ask()]);
    expect(a.data).toMatchObject({ requestId: expect.any(String), event: 'task:progress', socketId: 'sock-A' });
    expect(a.data.requestId).not.toBe(b.data.requestId);
    expect(currentLogContext()).toBeUndefined();
  });
});
