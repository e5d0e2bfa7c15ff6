import type { IncomingMessage, ServerResponse } from 'node:http';
import { metrics } from '@/lib/metrics/registry';

/**
 * Serves GET /metrics (Prometheus text) before Next sees the request; answers true when it did.
 * No auth, as the API contract says: scrapers sit inside the network, and the figures name no
 * user or payload (only departments, states and counts).
 */
export function handleMetricsRequest(req: IncomingMessage, res: ServerResponse): boolean {
  const path = (req.url ?? '').split('?')[0];
  if (path !== '/metrics') return false;
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', 'content-type': 'text/plain' }).end('Method Not Allowed\n');
    return true;
  }
  const { registry } = metrics();
  registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': registry.contentType, 'cache-control': 'no-store' });
      res.end(req.method === 'HEAD' ? undefined : text);
    },
    (err) => {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(`metrics collection failed: ${(err as Error).message}\n`);
    },
  );
  return true;
}
