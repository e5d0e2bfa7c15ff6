import { randomUUID } from 'node:crypto';
import { AppError, badRequest } from '../errors';

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * What a REST handler reads of a request, whichever door it came in by: Next's web Request
 * (fromWebRequest) or the custom server's node request (server/http/api-door.ts).
 */
export type ApiRequest = {
  method: string;
  /** Absolute URL. */
  url: string;
  /** A header by its lower-case name. */
  header(name: string): string | null;
  /** The body as text: at most MAX_BODY_BYTES (413 past that, whatever Content-Length claims), '' when none. */
  text(): Promise<string>;
};

export function fromWebRequest(req: Request): ApiRequest {
  return { method: req.method, url: req.url, header: (name) => req.headers.get(name), text: () => readBodyText(req) };
}

async function readBodyText(req: Request): Promise<string> {
  const declared = Number(req.headers.get('content-length') ?? '0');
  if (declared > MAX_BODY_BYTES) throw tooLarge();
  if (!req.body) return '';
  const reader = req.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_BODY_BYTES) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads at most 1 MiB, then parses JSON (400 when malformed or nested too deep); undefined when empty. */
export async function readJsonBody(req: ApiRequest): Promise<unknown> {
  const text = await req.text();
  if (!text.trim()) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw badRequest('Malformed JSON body');
  }
  assertJsonDepth(parsed);
  return parsed;
}

export const tooLarge = () => new AppError(413, 'Content Too Large', `Body over ${MAX_BODY_BYTES} bytes`);

export function requestId(req: ApiRequest): string {
  const given = req.header('x-request-id');
  return given && /^[\w-]{1,64}$/.test(given) ? given : randomUUID();
}

/** The custom server overwrites x-ecs-client-ip with the socket's address, so clients can't forge it. */
export function clientIp(req: ApiRequest): string | undefined {
  return req.header('x-ecs-client-ip') ?? undefined;
}

export function queryObject(req: ApiRequest): Record<string, string> {
  const out: Record<string, string> = {};
  // Most API calls carry no query: no URL to parse then.
  if (!req.url.includes('?')) return out;
  urlOf(req.url).searchParams.forEach((v, k) => {
    out[k] = v;
  });
  return out;
}

/** The request's path, for logs and audit rows; never throws. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.replace(/^[a-z]+:\/\/[^/]*/i, '').split('?')[0] || '/';
  }
}

function urlOf(url: string): URL {
  try {
    return new URL(url);
  } catch {
    throw badRequest('Malformed request URL');
  }
}

export const MAX_JSON_DEPTH = 64;

/**
 * Refuses JSON nested deeper than any real request needs (400), before schemas walk it: a
 * 2,000-level object once sent schema validation into a recursion that never answered.
 */
export function assertJsonDepth(value: unknown, max = MAX_JSON_DEPTH): void {
  if (value !== null && typeof value === 'object') walkDepth(value, 0, max);
}

// Module-level, not a closure: socket events run this per message, so it allocates nothing.
// Recursion is bounded by `max` (it throws first).
function walkDepth(v: unknown, depth: number, max: number): void {
  if (v === null || typeof v !== 'object') return;
  if (depth >= max) throw badRequest(`JSON nested deeper than ${max} levels`);
  if (Array.isArray(v)) for (const child of v) walkDepth(child, depth + 1, max);
  else for (const k in v) if (Object.hasOwn(v, k)) walkDepth((v as Record<string, unknown>)[k], depth + 1, max);
}
