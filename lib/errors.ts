/** A problem the client caused or may see: answered as RFC 9457 problem+json with its status. */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail?: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(detail ?? title);
  }
}

export type FieldProblem = { path: string; message: string };

export const badRequest = (detail: string, errors?: FieldProblem[]) => new AppError(400, 'Bad Request', detail, errors ? { errors } : {});
export const unauthorized = (detail = 'Missing or invalid credentials', extra: Record<string, unknown> = {}) =>
  new AppError(401, 'Unauthorized', detail, extra);
export const forbidden = (detail = 'Not allowed') => new AppError(403, 'Forbidden', detail);
export const notFound = (what = 'Resource') => new AppError(404, 'Not Found', `${what} not found`);
export const conflict = (detail: string, extra: Record<string, unknown> = {}) => new AppError(409, 'Conflict', detail, extra);
export const unprocessable = (detail: string, extra: Record<string, unknown> = {}) =>
  new AppError(422, 'Unprocessable Content', detail, extra);
export const locked = (detail: string, extra: Record<string, unknown> = {}) => new AppError(423, 'Locked', detail, extra);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new AppError(429, 'Too Many Requests', `Retry in ${retryAfterSeconds} s`, { retryAfter: retryAfterSeconds });
export const unavailable = (detail: string) => new AppError(503, 'Service Unavailable', detail);
