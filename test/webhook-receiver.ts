import http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Received = { id: string; timestamp: string; signature: string; body: string; status: number };
type Answer = (r: Omit<Received, 'status'>, nth: number) => number | Promise<number>;

/**
 * A webhook receiver on 127.0.0.1 for tests: records every request with its Standard Webhooks
 * headers, answers what `answer` says (a promise holds the request open), and tracks how many
 * requests it had open at once.
 */
export async function startReceiver(answer: Answer = () => 200) {
  const received: Received[] = [];
  const seen = new Map<string, number>();
  let open = 0;
  let maxOpen = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', async () => {
      open++;
      maxOpen = Math.max(maxOpen, open);
      const r = {
        id: String(req.headers['webhook-id'] ?? ''),
        timestamp: String(req.headers['webhook-timestamp'] ?? ''),
        signature: String(req.headers['webhook-signature'] ?? ''),
        body: Buffer.concat(chunks).toString('utf8'),
      };
      const nth = (seen.get(r.id) ?? 0) + 1;
      seen.set(r.id, nth);
      try {
        const status = await answer(r, nth);
        received.push({ ...r, status });
        res.writeHead(status, status >= 300 && status < 400 ? { location: 'http://127.0.0.1:1/elsewhere' } : {}).end('ok');
      } catch {
        res.destroy();
      } finally {
        open--;
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    port,
    received,
    accepted: () => received.filter((r) => r.status >= 200 && r.status < 300),
    maxOpen: () => maxOpen,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
