import { ZodError } from 'zod';
import { AppError, type FieldProblem } from '../errors';
import { log } from '../log';
import type { PlainAnswer } from './answer';

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
  const rejected = dbRejection(err);
  if (rejected) return rejected;
  if (isDbUnavailable(err)) {
    return { type: 'about:blank', title: 'Service Unavailable', status: 503, detail: 'Database busy or unavailable; retry shortly' };
  }
  return { type: 'about:blank', title: 'Internal Server Error', status: 500, detail: 'Unexpected error' };
}

export function problemAnswer(err: unknown, requestId?: string): PlainAnswer {
  const problem = toProblem(err);
  if (problem.status >= 500 && problem.status !== 503) log().error({ err, requestId }, 'unhandled error');
  const headers: Record<string, string> = { 'content-type': 'application/problem+json' };
  if (requestId) headers['x-request-id'] = requestId;
  if (err instanceof AppError && typeof err.extra.retryAfter === 'number') headers['retry-after'] = String(err.extra.retryAfter);
  if (problem.status === 503) headers['retry-after'] = '5';
  return { status: problem.status, headers, body: JSON.stringify(problem) };
}

function dbCode(err: unknown): string | undefined {
  const e = err as { code?: unknown; cause?: { code?: unknown } };
  const code = typeof e?.cause?.code === 'string' ? e.cause.code : e?.code;
  return typeof code === 'string' ? code : undefined;
}

/**
 * The safety net behind zod: a value Postgres refuses (a NUL byte, a lone surrogate in JSON, a
 * number out of range: SQLSTATE class 22) or a constraint it enforces (class 23) came from the
 * client, so it is a 4xx, never a 500.
 */
function dbRejection(err: unknown): Problem | undefined {
  const code = dbCode(err);
  if (!code) return undefined;
  if (code.startsWith('22'))
    return {
      type: 'about:blank',
      title: 'Bad Request',
      status: 400,
      detail: 'A value was refused by the database (for example a NUL character or a number out of range)',
    };
  if (code === '23505') return { type: 'about:blank', title: 'Conflict', status: 409, detail: 'That already exists' };
  // Raised by the insert guard of migration 0010: the department was archived meanwhile.
  if (code === 'EC409')
    return { type: 'about:blank', title: 'Conflict', status: 409, detail: 'The department is archived: it takes no new agents or tasks' };
  if (code === '23503')
    return { type: 'about:blank', title: 'Unprocessable Content', status: 422, detail: 'It refers to something that does not exist' };
  if (code.startsWith('23'))
    return { type: 'about:blank', title: 'Unprocessable Content', status: 422, detail: 'A database constraint refused the change' };
  return undefined;
}

function isDbUnavailable(err: unknown): boolean {
  const code = dbCode(err);
  // Connection trouble, shutdown, too many clients, a deadlock that outlived its retries, or a
  // statement or idle transaction ended by DB_STATEMENT_TIMEOUT (57014, 25P03): transient.
  return [
    'ECONNREFUSED',
    'ECONNRESET',
    'CONNECTION_CLOSED',
    'CONNECTION_ENDED',
    'CONNECT_TIMEOUT',
    '57P01',
    '57P03',
    '53300',
    '08006',
    '08001',
    '40P01',
    '40001',
    '57014',
    '25P03',
  ].includes(code ?? '');
}
