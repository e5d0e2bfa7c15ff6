import { ZodError } from 'zod';
import { AppError, type FieldProblem } from '../errors';
import { log } from '../log';

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail?: string;
  errors?: FieldProblem[];
  [k: string]: unknown;
};

export function zodProblems(err: ZodError): FieldProblem[] {
  return err.issues.map((i) => ({ path: i.path.join('.') || '(body)', message: i.message }));
}

/** Maps anything thrown to a problem; unknown errors become a generic 500 with no internals. */
export function toProblem(err: unknown): Problem {
  if (err instanceof AppError) {
    const { retryAfter, ...extra } = err.extra;
    void retryAfter;
    return { type: 'about:blank', title: err.title, status: err.status, detail: err.detail, ...extra };
  }
  if (err instanceof ZodError) {
    return { type: 'about:blank', title: 'Bad Request', status: 400, detail: 'Invalid input', errors: zodProblems(err) };
  }
  if (isDbUnavailable(err)) {
    return { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Database busy or unavailable; retry shortly' };
  }
  return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Unexpected error' };
}

export function problemResponse(err: unknown, requestId?: string): Response {
  const problem = toProblem(err);
  if (problem.status >= 500 && problem.status !== 503) log().error({ err, requestId }, 'unhandled error');
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (requestId) headers['x-request-id'] = requestId;
  if (err instanceof AppError && typeof err.extra.retryAfter === 'number') headers['retry-after'] = String(err.extra.retryAfter);
  if (problem.status === 503) headers['retry-after'] = '5';
  return new Response(JSON.stringify(problem), { status: problem.status, headers });
}

function isDbUnavailable(err: unknown): boolean {
  const code = (err as { code?: string; cause?: { code?: string } })?.code ?? (err as { cause?: { code?: string } })?.cause?.code;
  // Connection trouble, shutdown, too many clients, or a deadlock that outlived its retries: transient.
  return ['ECONNREFUSED', 'ECONNRESET', 'CONNECTION_CLOSED', 'CONNECTION_ENDED', 'CONNECT_TIMEOUT', '57P01', '57P03', '53300', '08006', '08001', '40P01', '40001'].includes(code ?? '');
}
