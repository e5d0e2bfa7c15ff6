import { createServer, type IncomingMessage, type Server as HttpServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Server } from 'socket.io';
import { runtimeState } from '@/lib/health';
import { registerAgentsNamespace } from '../bus/agents-namespace';
import { registerConsoleNamespace } from '../bus/console-namespace';
import { startLoops } from '../loops';
import { attachRedis, type BusRedis } from '../bus/redis';
import { routeTable } from './route-table';
import { closeConnectionsOnShutdown } from '../http/close-connections';

type Handler = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;

export type Harness = { url: string; io: Server; http: HttpServer; close: () => Promise<void> };

/**
 * The server without Next's page renderer: the same route handlers (app/api/**), Socket.IO
 * namespaces and background loops, on an ephemeral port. For integration tests and benchmarks;
 * the e2e suite covers the full Next server.
 */
export async function startHarness(opts: { loops?: boolean; port?: number; redis?: { url: string; prefix: string } } = {}): Promise<Harness> {
  const table = routeTable();
  const modules = new Map<string, Record<string, Handler>>();
  const http = createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://localhost');
      const entry = table.find((r) => r.pattern.test(url.pathname));
      if (!entry) return void problem(res, 404, 'Not Found', 'No such route');
      let mod = modules.get(entry.file);
      if (!mod) modules.set(entry.file, (mod = (await import(entry.file)) as Record<string, Handler>));
      const handler = mod[req.method ?? 'GET'];
      if (!handler) return void problem(res, 405, 'Method Not Allowed', `${req.method} is not served here`);
      const m = entry.pattern.exec(url.pathname)!;
      let params: Record<string, string>;
      try {
        params = Object.fromEntries(entry.params.map((p, i) => [p, decodeURIComponent(m[i + 1])]));
      } catch {
        return void problem(res, 400, 'Bad Request', 'Malformed URL escape');
      }
      const response = await handler(await toRequest(req, url), { params: Promise.resolve(params) });
      res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      res.end(Buffer.from(await response.arrayBuffer()));
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
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
    },
  };
}

async function toRequest(req: IncomingMessage, url: URL): Promise<Request> {
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  headers.set('x-ecs-client-ip', req.socket.remoteAddress ?? 'unknown');
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  const chunks: Buffer[] = [];
  if (hasBody) for await (const c of req) chunks.push(c as Buffer);
  return new Request(url, { method: req.method, headers, body: hasBody ? Buffer.concat(chunks) : undefined });
}

function problem(res: import('node:http').ServerResponse, status: number, title: string, detail: string) {
  res.writeHead(status, { 'content-type': 'application/problem+json' }).end(JSON.stringify({ type: 'about:blank', title, status, detail }));
}
