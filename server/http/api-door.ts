import type { IncomingMessage, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeReadableStream } from 'node:stream/web';
import type { ApiAnswer } from '@/lib/problems/answer';
import { MAX_BODY_BYTES, tooLarge, type ApiRequest } from '@/lib/http/request';
import type { RouteHandler } from '@/lib/http/route';
import securityHeaders from '@/lib/http/security-headers.json';
import { log } from '@/lib/log';
import { routeTable, type RouteEntry } from './route-table';
import { requestClientAddress } from './client-address';

type Plain = (req: Request, ctx: { params: Promise<Record<string, string>> }) => Promise<Response>;
type Module = Record<string, Plain | RouteHandler | undefined>;

export type ApiDoor = {
  /** Serves the request and answers true, or answers false when no route of this door matches its path. */
  serve: (req: IncomingMessage, res: ServerResponse) => boolean;
};

/**
 * The REST API served by the custom server itself, not through Next's router: the same route
 * files (app/api/**), matched by the same table. A handler made with route() is called with the
 * node request behind a small reader and its answer written straight to the socket, with no web
 * Request, Response or stream in between; any other handler (health, readiness, the OpenAPI
 * document) gets a web Request. `skip` leaves paths to Next (Auth.js's own routes).
 */
export function createApiDoor(opts: { skip?: (path: string) => boolean } = {}): ApiDoor {
  const table = routeTable().filter((r) => !opts.skip?.(r.path));
  const modules = new Map<string, Module | Promise<Module>>();
  const load = (entry: RouteEntry) => {
    let mod = modules.get(entry.file);
    if (!mod) modules.set(entry.file, (mod = import(entry.file) as Promise<Module>));
    return mod;
  };
  return {
    serve(req, res) {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      const path = q < 0 ? url : url.slice(0, q);
      if (!path.startsWith('/api/')) return false;
      const entry = table.find((r) => r.pattern.test(path));
      if (!entry) return false;
      // A Host that no URL can hold ('a b', '[::1', '%00') would fail every URL parse downstream.
      if (req.headers.host !== undefined && !isValidHost(req.headers.host)) {
        writePlain(res, problem(400, 'Bad Request', 'Malformed Host header'));
        return true;
      }
      // The socket's address, or what a trusted proxy (TRUST_PROXY) saw; a header sent by the client is replaced.
      req.headers['x-ecs-client-ip'] = requestClientAddress(req.socket.remoteAddress, req.headers) ?? 'unknown';
      void answer(req, res, entry, path, load(entry)).catch((err) => {
        log().error({ err, method: req.method, path }, 'API request failed outside its handler');
        if (!res.headersSent) writePlain(res, problem(500, 'Internal Server Error', 'Unexpected error'));
        else res.destroy(err as Error);
      });
      return true;
    },
  };
}

async function answer(req: IncomingMessage, res: ServerResponse, entry: RouteEntry, path: string, loading: Module | Promise<Module>) {
  const mod = loading instanceof Promise ? await loading : loading;
  const method = req.method ?? 'GET';
  // As Next does: HEAD is GET without the body, OPTIONS lists the methods.
  const handler = mod[method] ?? (method === 'HEAD' ? mod.GET : undefined);
  if (typeof handler !== 'function') {
    const allow = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']
      .filter((m) => typeof mod[m] === 'function' || (m === 'HEAD' && typeof mod.GET === 'function') || m === 'OPTIONS')
      .join(', ');
    if (method === 'OPTIONS') return writePlain(res, { status: 204, headers: { allow }, body: null });
    return writePlain(res, {
      ...problem(405, 'Method Not Allowed', `${method} is not served here`),
      headers: { ...problemHeaders, allow },
    });
  }
  const m = entry.pattern.exec(path)!;
  let params: Record<string, string>;
  try {
    params = Object.fromEntries(entry.params.map((p, i) => [p, decodeURIComponent(m[i + 1])]));
  } catch {
    return writePlain(res, problem(400, 'Bad Request', 'Malformed URL escape'));
  }
  const input = nodeRequest(req);
  const serve = (handler as Partial<RouteHandler>).serve;
  if (serve) return write(res, await serve(input, params));
  const body = method === 'GET' || method === 'HEAD' ? undefined : await input.text();
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers.set(k, v);
  return write(res, await (handler as Plain)(new Request(input.url, { method, headers, body }), { params: Promise.resolve(params) }));
}

const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/** A host name, IPv4 or bracketed IPv6 address, with an optional port, that a URL accepts. */
export function isValidHost(host: string): boolean {
  if (!HOST.test(host)) return false;
  try {
    new URL(`http://${host}/`);
    return true;
  } catch {
    return false;
  }
}

/** The node request as route() reads it; the body is read only when the handler takes one. */
function nodeRequest(req: IncomingMessage): ApiRequest {
  return {
    method: req.method ?? 'GET',
    url: `http://${req.headers.host ?? 'localhost'}${req.url ?? '/'}`,
    header(name) {
      const v = req.headers[name];
      return typeof v === 'string' ? v : Array.isArray(v) ? v.join(', ') : null;
    },
    text: () => readBody(req),
  };
}

async function readBody(req: IncomingMessage): Promise<string> {
  if (Number(req.headers['content-length'] ?? '0') > MAX_BODY_BYTES) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    // Stop reading: the answer says why, and the connection closes after it (see write()).
    if (size > MAX_BODY_BYTES) throw tooLarge();
    chunks.push(chunk as Buffer);
  }
  return chunks.length === 1 ? chunks[0].toString('utf8') : Buffer.concat(chunks).toString('utf8');
}

function write(res: ServerResponse, a: ApiAnswer): void {
  // A body left unread (413) would otherwise be drained before the next request on this connection.
  if (a.status === 413) res.shouldKeepAlive = false;
  if (!(a instanceof Response)) {
    writePlain(res, a);
    return;
  }
  const headers: Record<string, string | string[]> = { ...securityHeaders };
  a.headers.forEach((v, k) => (headers[k] = v));
  const cookies = a.headers.getSetCookie();
  if (cookies.length) headers['set-cookie'] = cookies;
  res.writeHead(a.status, headers);
  if (!a.body || res.req.method === 'HEAD') return void res.end();
  // Streamed as it comes (an audit export can be large).
  Readable.fromWeb(a.body as NodeReadableStream).pipe(res);
}

function writePlain(res: ServerResponse, a: Exclude<ApiAnswer, Response>): void {
  res.writeHead(a.status, { ...securityHeaders, ...a.headers });
  res.end(res.req.method === 'HEAD' ? undefined : (a.body ?? undefined));
}

const problemHeaders = { 'content-type': 'application/problem+json' };

function problem(status: number, title: string, detail: string) {
  return { status, headers: problemHeaders, body: JSON.stringify({ type: 'about:blank', title, status, detail }) };
}

/** A problem+json answer with the door's headers, for a server that has nothing else to serve a path with. */
export function writeProblem(res: ServerResponse, status: number, title: string, detail: string): void {
  writePlain(res, problem(status, title, detail));
}
