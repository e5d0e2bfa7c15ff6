import { createHash } from 'node:crypto';
import { getToken } from 'next-auth/jwt';
import type { z } from 'zod';
import { dbStatementTimeoutMs, getDb, type Db } from '@/db/client';
import { findIdempotencyKey, insertIdempotencyKey } from '@/db/queries/idempotency-keys';
import { badRequest, forbidden, notFound, unauthorized, unavailable } from '../errors';
import type { Principal } from '../permissions/rbac';
import { principalForConsoleSession, principalFromBearer, type AuthOptions, type ConsoleSessionClaims } from '../auth/principal';
import { authSecret } from '../keys/secret';
import { auditDenied } from '../security/denied';
import { problemAnswer, zodProblems } from '../problems/problem';
import { jsonAnswer, toResponse, type ApiAnswer } from '../problems/answer';
import { clientIp, fromWebRequest, pathOf, queryObject, readJsonBody, requestId, type ApiRequest } from './request';
import { log, withLogContext } from '../log';

type Schema = z.ZodType;
type Out<S> = S extends Schema ? z.output<S> : undefined;

export type RouteContext<B, Q, P> = {
  req: ApiRequest;
  db: Db;
  principal: Principal;
  body: B;
  query: Q;
  params: P;
  ip?: string;
  requestId: string;
  /** The Idempotency-Key header, for creates that record it with the row they make. */
  idempotencyKey?: string;
};

type Options<B extends Schema | undefined, Q extends Schema | undefined, P extends Schema | undefined> = {
  /** false for the few routes that take no credentials (login, refresh). */
  auth?: boolean;
  /**
   * Open to a user whose role must use MFA but who has not enrolled yet (every other route answers
   * them 401 {mfaEnrollmentRequired: true}): only MFA enrolment itself and logout.
   */
  mfaEnrolment?: boolean;
  body?: B;
  query?: Q;
  params?: P;
  status?: number;
  /** Honour an Idempotency-Key header: the same key and body answer the stored result once more. */
  idempotent?: boolean;
  /** For the OpenAPI document (lib/http/openapi.ts); the path and method name it otherwise. */
  summary?: string;
  /** Documents the success body; not enforced at run time. */
  response?: Schema;
};

/** What the OpenAPI generator reads off each exported handler, so the document can't drift from validation. */
export type RouteMeta = Options<Schema | undefined, Schema | undefined, Schema | undefined>;
export type RouteHandler = ((req: Request, segment?: { params?: Promise<Record<string, string | string[]>> }) => Promise<Response>) & {
  readonly meta: RouteMeta;
  /** The same handler without web Request and Response objects: the custom server's API door. */
  readonly serve: (req: ApiRequest, params?: Record<string, string | string[]>) => Promise<ApiAnswer>;
};

/**
 * The one wrapper every /api/v1 handler goes through: authenticate, parse and validate, call
 * lib/, answer JSON or problem+json. Authorisation itself happens in lib/, once.
 */
export function route<
  B extends Schema | undefined = undefined,
  Q extends Schema | undefined = undefined,
  P extends Schema | undefined = undefined,
>(opts: Options<B, Q, P>, handler: (ctx: RouteContext<Out<B>, Out<Q>, Out<P>>) => Promise<unknown>) {
  const serve = (req: ApiRequest, params?: Record<string, string | string[]>): Promise<ApiAnswer> => {
    const id = requestId(req);
    return withLogContext({ requestId: id }, () => withDeadline(run(req, params, id), id));
  };
  const handle = async (req: Request, segment?: { params?: Promise<Record<string, string | string[]>> }): Promise<Response> =>
    toResponse(await serve(fromWebRequest(req), await segment?.params));
  const run = async (req: ApiRequest, rawParams: Record<string, string | string[]> | undefined, id: string): Promise<ApiAnswer> => {
    const started = performance.now();
    // Built only when debug lines are on: parsing the URL per request showed in profiles under load.
    const debug = log().isLevelEnabled('debug');
    const done = (res: ApiAnswer) => {
      if (debug)
        log().debug(
          { method: req.method, path: pathOf(req.url), status: res.status, ms: Math.round(performance.now() - started) },
          'request',
        );
      return res;
    };
    let principal: Principal | undefined;
    try {
      const db = getDb();
      const ip = clientIp(req);
      principal = opts.auth === false ? anonymous(ip) : await authenticateRequest(db, req, { ip, mfaEnrolment: opts.mfaEnrolment });
      // A path id of the wrong shape can't name anything: 404, like any unknown id.
      const params = parseParams(opts.params, rawParams ?? {});
      const query = parse(opts.query, queryObject(req), 'query');
      const raw = opts.body ? await readJsonBody(req) : undefined;
      // Debug only, and scrubbed of credentials by lib/log.ts like every other line.
      if (debug) log().debug({ query, body: raw }, 'request input');
      const body = opts.body ? parse(opts.body, raw ?? {}, 'body') : undefined;
      const key = opts.idempotent ? req.header('idempotency-key') : null;
      if (key) {
        const replay = await findReplay(db, principal, key, raw);
        if (replay) return done(jsonAnswer(replay.response, replay.status, id, { 'idempotent-replayed': 'true' }));
      }
      const ctx = { req, db, principal, body, query, params, ip, requestId: id, idempotencyKey: key ?? undefined } as RouteContext<
        Out<B>,
        Out<Q>,
        Out<P>
      >;
      const result = await handler(ctx);
      if (result instanceof Response) return done(result);
      const status = result === undefined ? 204 : (opts.status ?? 200);
      if (key && status < 300) await storeReplay(db, principal, key, pathOf(req.url), raw, status, result ?? null);
      return done(status === 204 ? { status, headers: { 'x-request-id': id }, body: null } : jsonAnswer(result, status, id));
    } catch (err) {
      // Every refused attempt is audited here, once, whatever lib/ function refused it.
      if (principal) await auditDenied(getDb(), principal, err, { door: 'rest', method: req.method, path: pathOf(req.url) });
      return done(problemAnswer(err, id));
    }
  };
  // Non-enumerable, so Next's export checks and spreading handlers see a plain function.
  Object.defineProperty(handle, 'meta', { value: Object.freeze({ ...opts }), enumerable: false });
  Object.defineProperty(handle, 'serve', { value: serve, enumerable: false });
  return handle as RouteHandler;
}

/**
 * A request never waits forever. Postgres ends a statement or an idle transaction after
 * DB_STATEMENT_TIMEOUT, but a connection lost in a way postgres.js never notices would leave the
 * caller hanging: past twice that bound (at most 5 s more) the answer is a 503 with Retry-After.
 * The work itself can't be recalled; a write that still lands is found by its Idempotency-Key.
 */
async function withDeadline(work: Promise<ApiAnswer>, id: string): Promise<ApiAnswer> {
  const statement = dbStatementTimeoutMs();
  const bound = statement + Math.min(statement, 5000);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ApiAnswer>((resolve) => {
    timer = setTimeout(() => {
      log().warn({ ms: bound }, 'request passed its deadline');
      resolve(problemAnswer(unavailable(`No answer within ${bound / 1000} s; retry shortly`), id));
    }, bound);
  });
  try {
    return await Promise.race([work, late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A JSON Response, for the few handlers outside route() (health, readiness, the OpenAPI document). */
export function json(data: unknown, status = 200, reqId?: string, extra: Record<string, string> = {}): Response {
  return toResponse(jsonAnswer(data, status, reqId, extra));
}

function parse<S extends Schema | undefined>(schema: S, value: unknown, where: string): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(`Invalid ${where}`, zodProblems(result.error));
  return result.data as Out<S>;
}

function parseParams<S extends Schema | undefined>(schema: S, value: unknown): Out<S> {
  if (!schema) return undefined as Out<S>;
  const result = schema.safeParse(value);
  if (!result.success) throw notFound();
  return result.data as Out<S>;
}

const SESSION_COOKIES = ['__Secure-authjs.session-token', 'authjs.session-token'];

export async function authenticateRequest(db: Db, req: ApiRequest, opts: AuthOptions = {}): Promise<Principal> {
  const header = req.header('authorization');
  if (header) {
    const m = /^Bearer\s+(\S{10,4096})$/i.exec(header);
    if (!m) throw unauthorized('Authorization must be "Bearer <token>"');
    return principalFromBearer(db, m[1], opts);
  }
  const cookies = req.header('cookie') ?? '';
  const cookieName = SESSION_COOKIES.find((c) => cookies.includes(`${c}=`));
  if (cookieName) {
    assertSameOrigin(req);
    const token = await getToken({
      req: { headers: { cookie: cookies } },
      secret: authSecret(),
      cookieName,
      salt: cookieName,
      secureCookie: cookieName.startsWith('__Secure'),
    });
    if (token) return principalForConsoleSession(db, token as Partial<ConsoleSessionClaims>, opts);
  }
  throw unauthorized();
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * CSRF defence in depth for cookie-authenticated writes (SameSite=Lax already keeps the cookie off
 * cross-site POSTs): a browser always sends Origin on a cross-site write, so one naming another
 * host is refused. Bearer tokens are never sent by a browser on its own, so they need no check.
 */
function assertSameOrigin(req: ApiRequest): void {
  if (SAFE_METHODS.has(req.method)) return;
  const origin = req.header('origin');
  if (!origin) return;
  const host = req.header('x-forwarded-host') ?? req.header('host') ?? new URL(req.url).host;
  let originHost: string;
  try {
    originHost = new URL(origin).host;
  } catch {
    originHost = '';
  }
  if (originHost !== host) throw forbidden('Cross-site request refused');
}

function anonymous(ip?: string): Principal {
  return { kind: 'user', id: '', name: 'anonymous', role: 'readonly', departmentIds: [], permissions: [], ip };
}

const bodyHash = (raw: unknown) =>
  createHash('sha256')
    .update(JSON.stringify(raw ?? null))
    .digest('hex');

async function findReplay(db: Db, principal: Principal, key: string, raw: unknown) {
  if (key.length > 200) throw badRequest('Idempotency-Key is longer than 200 characters');
  const row = await findIdempotencyKey(db, principal.id, key);
  if (!row) return undefined;
  if (row.bodyHash !== bodyHash(raw)) throw badRequest('Idempotency-Key was already used with a different body');
  return row;
}

async function storeReplay(db: Db, principal: Principal, key: string, path: string, raw: unknown, status: number, response: unknown) {
  await insertIdempotencyKey(db, { principalId: principal.id, key, route: path, bodyHash: bodyHash(raw), status, response });
}
