import { describe, expect, it } from 'vitest';
import { Validator } from '@seriousme/openapi-schema-validator';
import { routeTable } from '@/server/http/route-table';
import { buildOpenApi, missingOperations, type RouteModule } from '@/lib/http/openapi';
import { registryIsCurrent } from '@/scripts/gen-route-registry';
import { GET } from './route';

/** The parts of an OpenAPI document these tests read. */
type BodySchema = {
  required?: string[];
  anyOf?: unknown[];
  properties: Record<string, { enum?: string[] }>;
  additionalProperties?: boolean;
};
type Operation = {
  operationId: string;
  summary: string;
  security?: unknown[];
  parameters: { name: string; in: string; required?: boolean; schema?: { format?: string } }[];
  requestBody: { content: Record<string, { schema: BodySchema }> };
  responses: Record<string, { $ref?: string }>;
};
type Doc = { openapi: string; paths: Record<string, Record<string, Operation>> };

async function v1Routes(): Promise<RouteModule[]> {
  const table = routeTable().filter((r) => r.path.startsWith('/api/v1/'));
  return Promise.all(table.map(async (r) => ({ path: r.path, module: (await import(r.file)) as Record<string, unknown> })));
}

describe('OpenAPI document', () => {
  it('the committed route registry matches app/api/v1 (run `npm run gen:routes` when this fails)', () => {
    expect(registryIsCurrent()).toBe(true);
  });

  it('is served at /api/openapi.json and validates as OpenAPI 3.1', async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    const doc = (await res.json()) as Doc;
    expect(doc.openapi).toBe('3.1.0');
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('covers every method of every /api/v1 route in the route table', async () => {
    const routes = await v1Routes();
    expect(routes.length).toBeGreaterThan(10);
    const doc = (await (await GET()).json()) as Doc;
    expect(missingOperations(doc, routes)).toEqual([]);
  });

  it('reports a route the document lacks (the coverage check can fail)', async () => {
    const routes = await v1Routes();
    const partial = buildOpenApi(routes.filter((r) => r.path !== '/api/v1/tasks'));
    expect(missingOperations(partial, routes)).toEqual(['GET /api/v1/tasks', 'POST /api/v1/tasks']);
    // A plain function without route() metadata is not documented, so it shows up as missing too.
    // biome-ignore lint/correctness/noComponentHookFactories: a route handler named GET, not a component
    const plain = [{ path: '/api/v1/x', module: { GET: async () => new Response() } }];
    expect(missingOperations(buildOpenApi(plain), plain)).toEqual(['GET /api/v1/x']);
  });

  it('describes bodies, parameters, idempotency and security from the handlers’ zod schemas', async () => {
    const doc = (await (await GET()).json()) as Doc;
    const create = doc.paths['/api/v1/tasks'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(expect.arrayContaining(['title', 'type']));
    // `department` is another name for `departmentId`: one of them is required.
    expect(body.anyOf).toEqual([{ required: ['departmentId'] }, { required: ['department'] }]);
    expect(body.properties.priority.enum).toEqual(['critical', 'high', 'medium', 'low']);
    expect(body.additionalProperties).toBe(false);
    expect(create.responses['201']).toBeDefined();
    expect(create.responses['400'].$ref).toBe('#/components/responses/BadRequest');
    expect(create.parameters.map((p: { name: string }) => p.name)).toContain('Idempotency-Key');
    const list = doc.paths['/api/v1/tasks'].get.parameters.map((p: { name: string; in: string }) => `${p.in}:${p.name}`);
    expect(list).toEqual(expect.arrayContaining(['query:status', 'query:limit', 'query:cursor']));
    const get = doc.paths['/api/v1/tasks/{id}'].get;
    expect(get.parameters[0]).toMatchObject({ name: 'id', in: 'path', required: true, schema: { format: 'uuid' } });
    expect(doc.paths['/api/v1/auth/token'].post.security).toEqual([]);
    expect([
      create.summary,
      doc.paths['/api/v1/tasks/{id}/cancel'].post.summary,
      doc.paths['/api/v1/departments/{id}/status'].get.summary,
    ]).toEqual(['Create task', 'Cancel task', 'Get department status']);
    const ids = Object.values(doc.paths).flatMap((m) => Object.values(m).map((op) => op.operationId));
    expect(new Set(ids).size).toBe(ids.length);
    expect(doc.paths['/api/v1/tasks/{id}'].get.security).toBeUndefined(); // inherits bearer or cookie
  });
});
