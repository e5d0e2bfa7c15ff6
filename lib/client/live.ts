import { io, type Socket } from 'socket.io-client';

export type LiveEvent = { type: string; data: unknown };

/**
 * Follows the console's live pushes (task:update, agent:update, …) with a user token, scoped by
 * the server to what that user may see. Returns the socket; call `close()` to stop.
 */
export function watchLive(baseUrl: string, token: string, types: string[], onEvent: (e: LiveEvent) => void): Promise<Socket> {
  const socket = io(`${baseUrl.replace(/\/+$/, '')}/console`, { transports: ['websocket'], auth: { token }, reconnectionDelayMax: 5000 });
  for (const type of types) socket.on(type, (data: unknown) => onEvent({ type, data }));
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', (err: Error & { data?: { status?: number } }) => {
      socket.close();
      reject(Object.assign(new Error(`live connection refused: ${err.message}`), { status: err.data?.status }));
    });
  });
}
