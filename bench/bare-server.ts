/**
 * The ceiling for bench/bus.ts: a bare Socket.IO server doing the same routing with nothing else
 * (no auth check, no validation, no authorization, no buffer, no stats). `send` is a plain room emit;
 * `send-acked` emits with an acknowledgement per recipient (Socket.IO's broadcast-with-ack and its
 * timer), the socket-level cost of the bus's acknowledged delivery without retry or buffering.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Server } from 'socket.io';
import { answerProbes } from './support/server-probe';

const http = createServer();
const io = new Server(http, { serveClient: false });
// BARE_COALESCE=1: the same write coalescing as the bus (server/bus/coalesce-writes.ts), so the
// bus's own overhead can be told apart from what that one transport-level change buys.
if (process.env.BARE_COALESCE === '1') (await import('../server/bus/coalesce-writes')).coalesceWrites(io);
const nsp = io.of('/agents');
nsp.on('connection', (socket) => {
  const { agentId, departmentId } = socket.handshake.auth as { agentId: string; departmentId: string };
  socket.join([`agent:${agentId}`, `dept:${departmentId}`]);
  socket.emit('ready', { agentId });
  const from = { agentId, departmentId };
  socket.on('send', (p: { to: { agentId?: string; departmentId?: string }; type: string; data: unknown }, ack?: (r: unknown) => void) => {
    const room = p.to.agentId ? `agent:${p.to.agentId}` : `dept:${p.to.departmentId}`;
    nsp.to(room).except(`agent:${agentId}`).emit('message', { id: randomUUID(), from, type: p.type, data: p.data, sentAt: Date.now() });
    ack?.({ ok: true });
  });
  socket.on(
    'send-acked',
    (p: { to: { agentId?: string; departmentId?: string }; type: string; data: unknown }, ack?: (r: unknown) => void) => {
      const room = p.to.agentId ? `agent:${p.to.agentId}` : `dept:${p.to.departmentId}`;
      nsp
        .to(room)
        .except(`agent:${agentId}`)
        .timeout(5_000)
        .emit('message', { id: randomUUID(), from, type: p.type, data: p.data, sentAt: Date.now() }, () => {});
      ack?.({ ok: true });
    },
  );
  socket.on('publish', (p: { topic: string; type: string; data: unknown }, ack?: (r: unknown) => void) => {
    nsp
      .to(`topic:${p.topic}`)
      .except(`agent:${agentId}`)
      .emit('message', { id: randomUUID(), from, type: p.type, data: p.data, sentAt: Date.now() });
    ack?.({ ok: true });
  });
  socket.on('subscribe', (p: { topic: string }, ack?: (r: unknown) => void) => {
    socket.join(`topic:${p.topic}`);
    ack?.({ ok: true });
  });
});
http.listen(0, '127.0.0.1', () => process.send!({ url: `http://127.0.0.1:${(http.address() as AddressInfo).port}` }));
answerProbes();
process.on('disconnect', () => process.exit(0));
