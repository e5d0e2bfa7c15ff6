import { createServer, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { runtimeState } from '@/lib/health';
import { registerAgentsNamespace } from '../server/bus/agents-namespace';
import { registerConsoleNamespace } from '../server/bus/console-namespace';
import { startLoops } from '../server/loops';
import { attachRedis, type BusRedis } from '../server/bus/redis';
import { createApiDoor, writeProblem } from '../server/http/api-door';
import { closeConnectionsOnShutdown } from '../server/http/close-connections';
import { closeWorkerPool } from '../server/workers/pool';
import { registerPoolWork } from '../server/workers/register';

export type Harness = { url: string; io: Server; http: HttpServer; close: () => Promise<void> };

/**
 * The server without Next's page renderer: the same route handlers (app/api/**), Socket.IO
 * namespaces and background loops, on an ephemeral port. For integration tests and benchmarks;
 * the e2e suite covers the full Next server.
 */
export async function startHarness(
  opts: { loops?: boolean; port?: number; redis?: { url: string; prefix: string } } = {},
): Promise<Harness> {
  // The production server's API door, with Auth.js's routes too (there is no Next here to take them).
  const door = createApiDoor();
  registerPoolWork();
  const http = createServer((req, res) => {
    if (!door.serve(req, res)) writeProblem(res, 404, 'Not Found', 'No such route');
  });
  const closeConnections = closeConnectionsOnShutdown(http);
  const io = new Server(http, { serveClient: false, maxHttpBufferSize: 1024 * 1024 });
  // Opt-in scale-out: the Redis adapter must be set before the namespaces exist.
  const redis: BusRedis | undefined = opts.redis ? await attachRedis(io, opts.redis.url, opts.redis.prefix) : undefined;
  const consoleNs = registerConsoleNamespace(io, { shared: !!redis });
  const agentsNs = registerAgentsNamespace(io);
  const loops = opts.loops === false ? { stop: () => {} } : startLoops(agentsNs);
  await new Promise<void>((r) => http.listen(opts.port ?? 0, '127.0.0.1', r));
  runtimeState().bus.listening = true;
  const { port } = http.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    io,
    http,
    close: async () => {
      loops.stop();
      consoleNs.stop();
      await agentsNs.drain();
      closeConnections();
      await new Promise<void>((r) => io.close(() => r()));
      await redis?.close();
      await closeWorkerPool();
    },
  };
}
