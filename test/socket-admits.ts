import { io as connect, type Socket } from 'socket.io-client';

export type Admission = { admitted: boolean; data?: Record<string, unknown>; message?: string; socket: Socket };

/**
 * Opens one Socket.IO connection to a namespace and answers whether the handshake admitted it,
 * with the refusal's data (status, mfaEnrollmentRequired) when it did not. The caller closes it.
 */
export function admission(url: string, opts: { token?: string; cookie?: string }): Promise<Admission> {
  const socket = connect(url, {
    auth: opts.token ? { token: opts.token } : {},
    extraHeaders: opts.cookie ? { cookie: opts.cookie } : undefined,
    transports: ['websocket'],
    // Its own connection: a shared one would reuse the first socket's headers (the cookie).
    forceNew: true,
    reconnection: false,
    timeout: 20_000,
  });
  return new Promise((resolve) => {
    socket.on('connect', () => resolve({ admitted: true, socket }));
    socket.on('connect_error', (err) =>
      resolve({ admitted: false, data: (err as Error & { data?: Record<string, unknown> }).data, message: err.message, socket }),
    );
  });
}

/** Resolves when the server closes the socket (not when the client does). */
export function serverDisconnects(socket: Socket): Promise<string> {
  return new Promise((resolve) => {
    if (!socket.connected) return resolve('not connected');
    socket.on('disconnect', (reason) => resolve(reason));
  });
}
