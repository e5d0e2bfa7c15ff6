/** Builds a Request for calling a route handler directly, as Next would. */
export function request(
  method: string,
  path: string,
  opts: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {},
) {
  const headers: Record<string, string> = { ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.raw;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  return new Request(`http://localhost${path}`, { method, headers, body });
}

export const params = (p: Record<string, string>) => ({ params: Promise.resolve(p) });
