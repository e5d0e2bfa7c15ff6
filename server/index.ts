import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import next from 'next';
import { Server } from 'socket.io';
import { env } from '@/lib/env';
import { closeQuotaRedis } from '@/lib/quotas/redis';
import { runtimeState } from '@/lib/health';
import { bootCore } from './boot';
import { registerConsoleNamespace } from './bus/console-namespace';
import { registerAgentsNamespace } from './bus/agents-namespace';
import { startLoops } from './loops';
import { startDemoFleet } from './demo';
import { handleMetricsRequest } from './http/metrics-endpoint';
import { createApiDoor } from './http/api-door';
import { log as logger } from '@/lib/log';
import { attachRedis } from './bus/redis';
import { closeConnectionsOnShutdown } from './http/close-connections';
import { listen } from './http/listen';
import { closeWorkerPool } from './workers/pool';
import { requestClientAddress } from './http/client-address';

const log = (msg: string) => logger().info(msg);

async function main() {
  const e = env();
  const dev = e.NODE_ENV !== 'production';
  const db = await bootCore(log);

  // Idle keep-alive connections stay open past the 5 s default: a client reusing one just as the
  // server closed it sees ECONNRESET. Load balancers idle out at about 60 s, so they close first.
  const httpServer = createServer({ keepAliveTimeout: 65_000, headersTimeout: 66_000 });
  const app = next({ dev, hostname: e.HOSTNAME, port: e.PORT, httpServer });
  const handle = app.getRequestHandler();
  await app.prepare();

  // The REST API in production skips Next's router (a route file needs no page machinery); Auth.js's
  // routes stay with Next. The development server keeps Next for all of it, so route edits reload.
  const apiDoor = dev ? undefined : createApiDoor({ skip: (path) => path.startsWith('/api/auth/') });
  httpServer.on('request', (req: IncomingMessage, res: ServerResponse) => {
    // The socket's address, or what a trusted proxy (TRUST_PROXY) saw; a header sent by the client is replaced.
    req.headers['x-ecs-client-ip'] = requestClientAddress(req.socket.remoteAddress, req.headers) ?? 'unknown';
    if (handleMetricsRequest(req, res)) return;
    if (apiDoor?.serve(req, res)) return;
    void handle(req, res);
  });

  const closeConnections = closeConnectionsOnShutdown(httpServer);
  const io = new Server(httpServer, { serveClient: false, maxHttpBufferSize: 1024 * 1024, pingInterval: 10_000, pingTimeout: 10_000 });
  // Several processes share rooms and broadcasts through Redis; set before the namespaces exist.
  const redis = e.REDIS_URL ? await attachRedis(io, e.REDIS_URL) : undefined;
  const consoleNs = registerConsoleNamespace(io, { shared: !!redis });
  const agentsNs = registerAgentsNamespace(io);
  const loops = startLoops(agentsNs);

  // A port that can't be had ends the process (exit 1 below), so a supervisor can act.
  await listen(httpServer, e.PORT, e.HOSTNAME === 'localhost' ? undefined : e.HOSTNAME);
  runtimeState().bus.listening = true;
  log(`console at http://localhost:${e.PORT} (${dev ? 'development' : 'production'})`);
  const demo =
    (e.DEMO ?? !e.DATABASE_URL)
      ? await startDemoFleet(`http://localhost:${e.PORT}`, log).catch((err) => log(`demo fleet not started: ${err.message}`))
      : undefined;

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: draining`);
    runtimeState().bus.listening = false;
    const force = setTimeout(() => process.exit(1), 15_000);
    force.unref();
    if (demo) await demo.stop();
    loops.stop();
    consoleNs.stop();
    await agentsNs.drain();
    // Closes the HTTP server too: no new connections, in-flight requests finish, and keep-alive
    // connections close after their current response instead of holding the process open.
    closeConnections();
    await new Promise<void>((resolve) => io.close(() => resolve()));
    await redis?.close();
    await closeQuotaRedis();
    await closeWorkerPool();
    await db.close();
    log('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((err) => {
  logger().fatal({ err }, 'failed to start');
  process.exit(1);
});
