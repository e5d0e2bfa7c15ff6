import type { Envelope } from './envelope';

/**
 * How lib/ hands a message to the live bus without importing Socket.IO: the server's messaging
 * module registers itself here (on globalThis: lib/ is loaded twice, by Next and by the server).
 */
export type BusTransport = {
  /** Acknowledged delivery to named agents; those not connected anywhere get it from their buffer later. */
  toAgents(env: Envelope, agentIds: string[]): void;
  /** Live fan-out to a room's current members; returns how many sockets this process reached. */
  toRoom(env: Envelope, room: string, exceptAgentId?: string): number;
};

export function setBusTransport(t: BusTransport | undefined): void {
  (globalThis as { __ecsBusTransport?: BusTransport }).__ecsBusTransport = t;
}

export function busTransport(): BusTransport | undefined {
  return (globalThis as { __ecsBusTransport?: BusTransport }).__ecsBusTransport;
}
