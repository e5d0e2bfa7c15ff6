import type { Server } from 'node:http';

/**
 * A closing HTTP server waits for its connections, and a keep-alive connection never goes idle
 * while its client keeps sending requests on it: under a steady stream of REST calls a SIGTERM
 * took 13 s and more (server/faults/rolling-restart.test.ts). Call the returned function when
 * shutting down: from then on every response closes its connection, and connections that go idle
 * are closed at once, so the server stops as soon as the requests in flight are answered.
 */
export function closeConnectionsOnShutdown(server: Server): () => void {
  let closing = false;
  server.on('request', (_req, res) => {
    if (closing) res.setHeader('connection', 'close');
    res.once('finish', () => closing && setImmediate(() => server.closeIdleConnections()));
  });
  return () => {
    closing = true;
    server.closeIdleConnections();
  };
}
