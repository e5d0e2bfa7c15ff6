import type { Socket } from 'socket.io';
import { getDb } from '@/db/client';
import { authenticateRequest } from '@/lib/http/route';
import { fromWebRequest } from '@/lib/http/request';
import { principalFromBearer } from '@/lib/auth/principal';
import type { Principal } from '@/lib/permissions/rbac';
import { AppError } from '@/lib/errors';
import { env } from '@/lib/env';
import { requestClientAddress } from '../http/client-address';

export type SocketData = { principal: Principal };

function clientIp(socket: Socket): string | undefined {
  return requestClientAddress(socket.handshake.address || undefined, socket.handshake.headers);
}

/**
 * MAX_CONNECTIONS per process, over every namespace: past it a connection is refused with a
 * connect_error saying so (status 503), before any credential is checked, so a flood of
 * connections can't exhaust the process's file descriptors and memory. Clients move on (the SDK
 * fails over to its next URL) or retry.
 */
export function connectionLimit(socket: Socket, next: (err?: Error) => void) {
  const max = env().MAX_CONNECTIONS;
  // The engine counts this connection already.
  if (socket.nsp.server.engine.clientsCount > max)
    return next(
      refusal(
        new AppError(503, 'Service Unavailable', `This server holds its limit of ${max} connections; try another server or retry shortly`),
      ),
    );
  next();
}

/** Agents connect with an agent token in `auth.token`; anything else is refused at the handshake. */
export async function agentHandshake(socket: Socket, next: (err?: Error) => void) {
  try {
    const token = socket.handshake.auth?.token;
    if (typeof token !== 'string' || token.length < 10) throw new AppError(401, 'Unauthorized', 'auth.token is required');
    const principal = await principalFromBearer(getDb(), token, { ip: clientIp(socket) });
    if (principal.kind !== 'agent') throw new AppError(403, 'Forbidden', 'Only agent tokens may join /agents');
    socket.data.principal = principal;
    next();
  } catch (err) {
    next(refusal(err));
  }
}

/** The console joins with its session cookie, or a user token in `auth.token` (scripts, tests). */
export async function consoleHandshake(socket: Socket, next: (err?: Error) => void) {
  try {
    const token = socket.handshake.auth?.token;
    const headers = new Headers();
    if (typeof token === 'string' && token) headers.set('authorization', `Bearer ${token}`);
    else if (socket.handshake.headers.cookie) headers.set('cookie', socket.handshake.headers.cookie);
    const req = new Request('http://localhost/socket', { headers });
    const principal = await authenticateRequest(getDb(), fromWebRequest(req), { ip: clientIp(socket) });
    if (principal.kind === 'agent') throw new AppError(403, 'Forbidden', 'Agents use the /agents namespace');
    socket.data.principal = principal;
    next();
  } catch (err) {
    next(refusal(err));
  }
}

function refusal(err: unknown): Error {
  const e = new Error(err instanceof AppError ? (err.detail ?? err.title) : 'Handshake failed') as Error & { data?: unknown };
  e.data = {
    status: err instanceof AppError ? err.status : 500,
    ...(err instanceof AppError && err.extra.mfaEnrollmentRequired ? { mfaEnrollmentRequired: true } : {}),
  };
  return e;
}
