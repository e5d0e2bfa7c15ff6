import { requirePrincipal } from '@/app/_lib/session';
import { openApiDocument } from '@/app/_lib/openapi-document';

type Param = { name: string; in: string; required?: boolean; schema?: unknown };
type Op = {
  operationId: string;
  summary: string;
  tags?: string[];
  parameters?: Param[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses: Record<string, unknown>;
  security?: unknown[];
};

const methodColour: Record<string, string> = {
  get: 'bg-sky-100 text-sky-900 dark:bg-sky-900 dark:text-sky-100',
  post: 'bg-emerald-100 text-emerald-900 dark:bg-emerald-900 dark:text-emerald-100',
  patch: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  put: 'bg-amber-100 text-amber-900 dark:bg-amber-900 dark:text-amber-100',
  delete: 'bg-rose-100 text-rose-900 dark:bg-rose-900 dark:text-rose-100',
};

/** The API reference, rendered on the server from the same document /api/openapi.json serves. */
export default async function ApiDocsPage() {
  await requirePrincipal();
  const doc = (await openApiDocument()) as { info: { version: string }; paths: Record<string, Record<string, Op>> };
  const ops = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
  const tags = [...new Set(ops.map((o) => o.op.tags?.[0] ?? 'api'))].sort();
  return (
    <div className="space-y-6">
      <div>
        <h1 className="text-2xl font-semibold">API reference</h1>
        <p className="mt-1 text-sm text-slate-600 dark:text-slate-400">
          Version {doc.info.version} · {ops.length} operations · machine-readable at{' '}
          <a className="text-indigo-700 underline dark:text-indigo-300" href="/api/openapi.json">
            /api/openapi.json
          </a>{' '}
          (OpenAPI 3.1). Authenticate with <code>Authorization: Bearer &lt;token&gt;</code>; errors are{' '}
          <code>application/problem+json</code>.
        </p>
      </div>
      {tags.map((tag) => (
        <section key={tag} aria-labelledby={`tag-${tag}`} className="space-y-2">
          <h2 id={`tag-${tag}`} className="text-lg font-semibold capitalize">
            {tag}
          </h2>
          <ul className="space-y-2" data-testid="api-operations">
            {ops
              .filter((o) => (o.op.tags?.[0] ?? 'api') === tag)
              .map(({ path, method, op }) => (
                <li key={op.operationId} className="card p-0">
                  <details>
                    <summary className="flex cursor-pointer items-center gap-3 px-4 py-3">
                      <span
                        className={`w-16 rounded px-2 py-0.5 text-center font-mono text-xs font-bold uppercase ${methodColour[method] ?? ''}`}
                      >
                        {method}
                      </span>
                      <code className="text-sm">{path}</code>
                      {op.security?.length === 0 ? <span className="text-xs text-slate-600 dark:text-slate-400">no auth</span> : null}
                    </summary>
                    <div className="space-y-3 border-t border-slate-200 px-4 py-3 text-sm dark:border-slate-800">
                      <p>{op.summary}</p>
                      {op.parameters?.length ? (
                        <table className="table">
                          <caption className="sr-only">Parameters of {op.operationId}</caption>
                          <thead>
                            <tr>
                              <th scope="col">Parameter</th>
                              <th scope="col">In</th>
                              <th scope="col">Required</th>
                              <th scope="col">Schema</th>
                            </tr>
                          </thead>
                          <tbody>
                            {op.parameters.map((p) => (
                              <tr key={`${p.in}:${p.name}`}>
                                <td className="font-mono">{p.name}</td>
                                <td>{p.in}</td>
                                <td>{p.required ? 'yes' : 'no'}</td>
                                <td className="font-mono text-xs">{JSON.stringify(p.schema)}</td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      ) : null}
                      {op.requestBody ? (
                        <div>
                          <h3 className="font-medium">Request body</h3>
                          <pre className="mt-1 max-h-96 overflow-auto rounded bg-slate-100 p-3 text-xs dark:bg-slate-800" tabIndex={0}>
                            {JSON.stringify(op.requestBody.content['application/json']?.schema, null, 2)}
                          </pre>
                        </div>
                      ) : null}
                      <p>
                        <span className="font-medium">Responses:</span> {Object.keys(op.responses).join(', ')}
                      </p>
                    </div>
                  </details>
                </li>
              ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
