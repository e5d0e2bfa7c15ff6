import type { Namespace, Server, Socket } from 'socket.io';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { hasPermission, isGlobal } from '@/lib/permissions/rbac';
import { forbidden } from '@/lib/errors';
import { createTasks } from '@/lib/tasks/batch';
import { createTasksBodySchema } from '@/lib/tasks/schemas';
import { onDomain, onLive } from '@/lib/live';
import { runtimeState } from '@/lib/health';
import { connectionLimit, consoleHandshake, type SocketData } from './handshake';
import { handle } from './socket-handler';

const ALL = 'console:all';
const CONSOLES_HERE = 'consoles:here';
const CONSOLES_EVERY_MS = 2_000;
const deptRoom = (id: string) => `console:dept:${id}`;
// Events restricted to holders of a permission (security alerts name users and IPs).
const AUDIENCE_PERMISSIONS = ['security:read'];
const permRoom = (p: string) => `console:perm:${p}`;
// Per user and per console sign-in, so ending credentials can close the sockets they opened.
const userRoom = (id: string) => `console:user:${id}`;
const sessionRoom = (id: string) => `console:session:${id}`;
// One task (an object) or several (an array), each checked as the body of POST /api/v1/tasks.
const createPayload = z
  .unknown()
  .transform((p) => (Array.isArray(p) ? p : [p]))
  .pipe(createTasksBodySchema.shape.tasks);

/**
 * Live pushes to console tabs, each scoped to what its user may see. `shared`: the namespace's
 * adapter reaches other processes (Redis), whose consoles may want what this process publishes.
 */
export function registerConsoleNamespace(io: Server, opts: { shared?: boolean } = {}): { nsp: Namespace; stop: () => void } {
  const nsp = io.of('/console');
  nsp.use(connectionLimit);
  nsp.use(consoleHandshake);
  nsp.on('connection', (socket) => {
    const { principal } = socket.data as SocketData;
    if (isGlobal(principal)) socket.join(ALL);
    else for (const d of principal.departmentIds) socket.join(deptRoom(d));
    for (const p of AUDIENCE_PERMISSIONS) if (hasPermission(principal, p)) socket.join(permRoom(p));
    socket.join(userRoom(principal.id));
    if (principal.sessionId) socket.join(sessionRoom(principal.sessionId));
    runtimeState().bus.consolesConnected = nsp.sockets.size;
    // The first console here: the other processes start sending this one what they publish.
    if (opts.shared && nsp.sockets.size === 1) nsp.serverSideEmit(CONSOLES_HERE);
    handle(socket, 'task:create', createPayload, (p) => {
      // Producers hold a token. A connection opened with the console's cookie could be one a
      // hostile page opened in the user's browser (Socket.IO checks no Origin): it creates nothing.
      if (!byToken(socket)) throw forbidden('task:create needs a connection opened with a token (auth.token)');
      return createTasks(getDb(), principal, p, { door: 'socket' });
    });
    socket.on('disconnect', () => {
      runtimeState().bus.consolesConnected = nsp.sockets.size;
    });
  });
  // Whether a console may be connected to another process: a process with consoles says so when
  // its first one connects and every CONSOLES_EVERY_MS after, one small Redis message each time.
  let consolesElsewhereAt = 0;
  let announce: NodeJS.Timeout | undefined;
  if (opts.shared) {
    nsp.on(CONSOLES_HERE, () => (consolesElsewhereAt = Date.now()));
    announce = setInterval(() => nsp.sockets.size && nsp.serverSideEmit(CONSOLES_HERE), CONSOLES_EVERY_MS);
    announce.unref();
  }
  const consolesElsewhere = () => Date.now() - consolesElsewhereAt < 2.5 * CONSOLES_EVERY_MS;
  const stopLive = onLive((e) => {
    // Every task change publishes; with no console anywhere to see it, encoding it for an empty
    // room was 2–3 % of the server's CPU under load (bench/dispatch.ts profile), and through Redis
    // each was a publish that every other process decoded too (bench/scale-dispatch.ts).
    const remote = !!opts.shared && consolesElsewhere();
    if (nsp.sockets.size === 0 && !remote) return;
    // Every process pushes the cluster's figures to its own tabs (lib/cluster/); through the
    // adapter each tab would get every process's push, each a little apart, and the tiles would flicker.
    if (e.type === 'metrics') {
      if (!nsp.sockets.size) return;
      if (e.scope === null) nsp.local.emit(e.type, e.data);
      else nsp.local.to([ALL, deptRoom(e.scope)]).emit(e.type, e.data);
      return;
    }
    // Consoles here only: to this process's sockets, no Redis publish.
    const to = (rooms: string | string[]) => (remote ? nsp.to(rooms) : nsp.local.to(rooms));
    if (e.permission) to(permRoom(e.permission)).emit(e.type, e.data);
    else if (e.organisationWide) to(ALL).emit(e.type, e.data);
    else if (e.scope === null) (remote ? nsp : nsp.local).emit(e.type, e.data);
    else to([ALL, deptRoom(e.scope)]).emit(e.type, e.data);
  });
  // Through the Redis adapter this reaches the user's console sockets on every process.
  const unsubscribe = onDomain('user:credentials-ended', ({ userId, sessionId }) =>
    nsp.in(sessionId ? sessionRoom(sessionId) : userRoom(userId)).disconnectSockets(true),
  );
  return {
    nsp,
    stop: () => {
      stopLive();
      nsp.removeAllListeners(CONSOLES_HERE);
      clearInterval(announce);
      unsubscribe();
    },
  };
}

const byToken = (socket: Socket) => typeof socket.handshake.auth?.token === 'string' && socket.handshake.auth.token !== '';
