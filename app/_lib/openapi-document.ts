import { buildOpenApi } from '@/lib/http/openapi';
import { routeRegistry } from './route-registry';

let cached: Promise<Record<string, unknown>> | undefined;

/** Built once per process from the route registry; routes don't change while it runs. */
export function openApiDocument(): Promise<Record<string, unknown>> {
  cached ??= Promise.all(routeRegistry.map(async (r) => ({ path: r.path, module: await r.load() }))).then((routes) =>
    buildOpenApi(routes, { version: process.env.npm_package_version ?? '0.1.0' }),
  );
  return cached;
}
