import { z } from 'zod';
import type { RouteMeta } from './route';

/** One route file: its URL path as the route table spells it (`/api/v1/tasks/[id]`) and its exports. */
export type RouteModule = { path: string; module: Record<string, unknown> };

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

type JsonSchema = Record<string, unknown>;
type Operation = Record<string, unknown>;

/** The metadata `route()` attached to a handler, or undefined for a plain function. */
export function metaOf(handler: unknown): RouteMeta | undefined {
  return typeof handler === 'function' ? (handler as { meta?: RouteMeta }).meta : undefined;
}

/** `/api/v1/tasks/[id]` → `/api/v1/tasks/{id}` */
export function openApiPath(p: string): string {
  return p.replace(/\[(?:\.\.\.)?(\w+)\]/g, '{$1}');
}

/**
 * Requests are described from the input side of the schemas (what a client sends, before
 * defaults and transforms); refinements and transforms JSON Schema can't express become `{}`.
 */
function toSchema(schema: z.ZodType): JsonSchema {
  const { $schema, $defs, ...rest } = z.toJSONSchema(schema, {
    io: 'input',
    unrepresentable: 'any',
    target: 'draft-2020-12',
  }) as JsonSchema;
  void $schema;
  if (!$defs) return rest;
  // Recursive schemas (z.json()) come with local $defs; inside an OpenAPI document `#/` is the
  // document's root, so they move to components.schemas under names unique to this build.
  let text = JSON.stringify({ rest, $defs });
  const renamed: Record<string, string> = {};
  for (const key of Object.keys($defs as object)) renamed[key] = `Schema${++defCounter.n}`;
  text = text.replace(/"#\/\$defs\/([^"]+)"/g, (_, k: string) => JSON.stringify(`#/components/schemas/${renamed[k] ?? k}`));
  const moved = JSON.parse(text) as { rest: JsonSchema; $defs: Record<string, JsonSchema> };
  for (const [k, v] of Object.entries(moved.$defs)) defCounter.defs[renamed[k]] = v;
  return moved.rest;
}

// Collected while one document is built (buildOpenApi is synchronous, so this can't interleave).
const defCounter: { n: number; defs: Record<string, JsonSchema> } = { n: 0, defs: {} };

function parameters(schema: z.ZodType | undefined, where: 'query' | 'path'): Operation[] {
  if (!schema) return [];
  const js = toSchema(schema);
  const props = (js.properties ?? {}) as Record<string, JsonSchema>;
  const required = new Set((js.required ?? []) as string[]);
  return Object.entries(props).map(([name, s]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    schema: s,
    ...(typeof s.description === 'string' ? { description: s.description } : {}),
  }));
}

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } },
});

function errorResponses(meta: RouteMeta, hasPathParams: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (meta.body || meta.query) out['400'] = { $ref: '#/components/responses/BadRequest' };
  if (meta.auth !== false) {
    out['401'] = { $ref: '#/components/responses/Unauthorized' };
    out['403'] = { $ref: '#/components/responses/Forbidden' };
  }
  if (hasPathParams || meta.auth !== false) out['404'] = { $ref: '#/components/responses/NotFound' };
  if (meta.body) out['413'] = { $ref: '#/components/responses/TooLarge' };
  out['429'] = { $ref: '#/components/responses/TooManyRequests' };
  out.default = { $ref: '#/components/responses/Problem' };
  return out;
}

function operation(method: string, path: string, meta: RouteMeta): Operation {
  const params = [...parameters(meta.params, 'path'), ...parameters(meta.query, 'query')];
  if (meta.idempotent) {
    params.push({
      name: 'Idempotency-Key',
      in: 'header',
      required: false,
      description: 'The same key and body answer the stored result once more instead of creating again.',
      schema: { type: 'string', maxLength: 200 },
    });
  }
  const status = String(meta.status ?? 200);
  const segments = path.split('/').filter(Boolean);
  const op: Operation = {
    operationId: operationId(method, path),
    summary: meta.summary ?? defaultSummary(method, path),
    tags: [segments[2] ?? segments[1] ?? 'api'],
    ...(params.length ? { parameters: params } : {}),
    ...(meta.body ? { requestBody: { required: true, content: { 'application/json': { schema: toSchema(meta.body) } } } } : {}),
    responses: {
      [status]:
        status === '204'
          ? { description: 'Success, no body' }
          : { description: 'Success', content: { 'application/json': { schema: meta.response ? toSchema(meta.response) : {} } } },
      ...errorResponses(meta, Boolean(meta.params)),
    },
    ...(meta.auth === false ? { security: [] } : {}),
  };
  return op;
}

/**
 * A readable name when the route gives none: `GET /tasks` → "List tasks", `POST /tasks/[id]/cancel`
 * → "Cancel task", `GET /departments/[id]/status` → "Get department status".
 */
export function defaultSummary(method: string, path: string): string {
  const segs = path.replace(/^\/api\/v1\//, '').split('/');
  const isParam = (x: string) => x.startsWith('[');
  const words = (x: string) => x.replace(/-/g, ' ');
  const singular = (x: string) => words(x.replace(/ies$/, 'y').replace(/(?<!s)s$/, ''));
  const verb: Record<string, string> = { GET: 'Get', POST: 'Post', PATCH: 'Update', PUT: 'Replace', DELETE: 'Delete' };
  const last = segs[segs.length - 1];
  if (segs.length === 1) {
    if (method === 'POST') return `Create ${singular(last)}`;
    return `${method === 'GET' && last.endsWith('s') ? 'List' : (verb[method] ?? method)} ${words(last)}`;
  }
  if (isParam(last)) return `${verb[method] ?? method} ${singular(segs[segs.length - 2])}`;
  if (method === 'POST' && isParam(segs[segs.length - 2]) && ACTIONS.has(last))
    return `${last[0].toUpperCase()}${last.slice(1)} ${singular(segs[segs.length - 3])}`;
  // A segment followed by an id names one thing: departments/[id]/status → "department status".
  const parts = segs.flatMap((x, i) => (isParam(x) ? [] : [isParam(segs[i + 1] ?? '') ? singular(x) : words(x)]));
  return `${verb[method] ?? method} ${parts.join(' ')}`;
}

const ACTIONS = new Set(['cancel', 'retry', 'complete', 'fail', 'progress', 'release', 'acknowledge', 'resolve']);

/** `POST /api/v1/tasks/[id]/cancel` → `postTasksIdCancel`: stable, unique per path and method. */
export function operationId(method: string, path: string): string {
  const words = path
    .replace(/^\/api\/(v1\/)?/, '')
    .split(/[/[\].-]+/)
    .filter(Boolean)
    .map((w) => w[0].toUpperCase() + w.slice(1));
  return method.toLowerCase() + words.join('');
}

/** The unversioned service routes, which are plain handlers without route() metadata. */
const SERVICE_PATHS: Record<string, Operation> = {
  '/api/health': {
    get: {
      operationId: 'getHealth',
      summary: 'Liveness and component health',
      tags: ['service'],
      security: [],
      responses: { '200': { description: 'Up' }, '503': problem('Down') },
    },
  },
  '/api/ready': {
    get: {
      operationId: 'getReady',
      summary: 'Readiness: migrations ran and the bus listens',
      tags: ['service'],
      security: [],
      responses: { '200': { description: 'Ready' }, '503': { description: 'Not ready' } },
    },
  },
  '/api/openapi.json': {
    get: {
      operationId: 'getOpenApi',
      summary: 'This document',
      tags: ['service'],
      security: [],
      responses: { '200': { description: 'OpenAPI 3.1 document' } },
    },
  },
};

/**
 * The OpenAPI 3.1 document for every route() handler under /api/v1, built from the zod schemas
 * the handlers validate with, so the document and the validation can't disagree.
 */
export function buildOpenApi(routes: RouteModule[], info: { version: string } = { version: '0.1.0' }): Record<string, unknown> {
  const paths: Record<string, Record<string, Operation>> = {};
  defCounter.n = 0;
  defCounter.defs = {};
  for (const { path, module } of [...routes].sort((a, b) => a.path.localeCompare(b.path))) {
    for (const method of HTTP_METHODS) {
      const meta = metaOf(module[method]);
      if (!meta) continue;
      (paths[openApiPath(path)] ??= {})[method.toLowerCase()] = operation(method, path, meta);
    }
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Enterprise Coordination System API',
      version: info.version,
      description: 'REST interface of the coordination system. Errors are RFC 9457 problem+json; lists answer {items, nextCursor}.',
    },
    servers: [{ url: '/' }],
    security: [{ bearerAuth: [] }, { cookieAuth: [] }],
    paths: { ...paths, ...SERVICE_PATHS },
    components: {
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description: 'Access token from POST /api/v1/auth/token, an API token, or an agent token',
        },
        cookieAuth: { type: 'apiKey', in: 'cookie', name: 'authjs.session-token', description: 'The console session cookie' },
      },
      schemas: {
        ...defCounter.defs,
        Problem: {
          type: 'object',
          required: ['type', 'title', 'status'],
          properties: {
            type: { type: 'string' },
            title: { type: 'string' },
            status: { type: 'integer' },
            detail: { type: 'string' },
            errors: {
              type: 'array',
              items: {
                type: 'object',
                required: ['path', 'message'],
                properties: { path: { type: 'string' }, message: { type: 'string' } },
              },
            },
            quota: {
              type: 'string',
              enum: ['tasksPerMinute', 'maxPendingTasks', 'maxMonthlyCost', 'requestsPerMinute'],
              description: 'The quota that refused the request (429 for a rate, 409 for a cap), with its `limit` and, for a cap, `used`',
            },
            limit: { type: 'number' },
            used: { type: 'number' },
          },
        },
      },
      responses: {
        BadRequest: problem('Malformed or invalid input; `errors` lists the fields'),
        Unauthorized: problem('No or bad credentials'),
        Forbidden: problem('Authenticated but not allowed'),
        NotFound: problem('Unknown id, or one outside your departments'),
        TooLarge: problem('Body over 1 MiB'),
        TooManyRequests: {
          ...problem('Rate limited: a login or secret throttle, or a quota (`quota` names it: tasksPerMinute, requestsPerMinute)'),
          headers: { 'Retry-After': { schema: { type: 'integer' } } },
        },
        Problem: problem(
          'Any other problem (409 conflict, a department quota cap among them with `quota` naming it; 422 impossible, 423 locked, 503 unavailable)',
        ),
      },
    },
  };
}

/** `METHOD path` for every exported handler the document lacks: the coverage check tests run. */
export function missingOperations(doc: Record<string, unknown>, routes: RouteModule[]): string[] {
  const paths = doc.paths as Record<string, Record<string, unknown>>;
  const missing: string[] = [];
  for (const { path, module } of routes)
    for (const method of HTTP_METHODS)
      if (typeof module[method] === 'function' && !paths[openApiPath(path)]?.[method.toLowerCase()]) missing.push(`${method} ${path}`);
  return missing;
}
