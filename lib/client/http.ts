/** RFC 9457 problem as the API answers it. */
export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: { path: string; message: string }[];
  [k: string]: unknown;
};

/** Thrown for every non-2xx answer; `problem` carries the server's reasons (field errors included). */
export class EcsApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(`${status} ${problem.title}${problem.detail ? `: ${problem.detail}` : ''}`);
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') qs.set(k, String(v));
  const s = qs.toString();
  return s ? `${path}?${s}` : path;
}

/** Turns a fetch Response into data, or throws EcsApiError with the problem (or a made-up one for non-JSON errors). */
export async function readResponse<T>(res: Response): Promise<T> {
  const text = await res.text();
  const type = res.headers.get('content-type') ?? '';
  if (!res.ok) {
    let problem: Problem;
    try {
      problem = JSON.parse(text) as Problem;
    } catch {
      // Not a problem document: a proxy's page, or Next's 404 page for a route this server lacks.
      problem = { type: 'about:blank', title: res.statusText || 'Error', status: res.status, unstructured: true };
    }
    throw new EcsApiError(res.status, problem);
  }
  if (!text) return undefined as T;
  return (type.includes('json') ? JSON.parse(text) : text) as T;
}
