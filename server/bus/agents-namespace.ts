import type { Namespace, Server } from 'socket.io';
import { runtimeState } from '@/lib/health';
import { agentHandshake, type SocketData } from './handshake';

export type AgentsNamespace = { nsp: Namespace; drain: () => Promise<void> };

export function registerAgentsNamespace(io: Server): AgentsNamespace {
  const nsp = io.of('/agents');
  nsp.use(agentHandshake);
  nsp.on('connection', (socket) => {
    const { principal } = socket.data as SocketData;
    socket.join([`agent:${principal.id}`, `dept:${principal.departmentIds[0]}`]);
    runtimeState().bus.agentsConnected = nsp.sockets.size;
    socket.on('disconnect', () => {
      runtimeState().bus.agentsConnected = nsp.sockets.size;
    });
  });
  return {
    nsp,
    drain: async () => {
      nsp.emit('server:draining', { reconnectInMs: 1000 });
      nsp.disconnectSockets(true);
    },
  };
}
