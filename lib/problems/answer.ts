/**
 * A REST answer before it is a web Response: the custom server's API door writes it straight to
 * the socket, and only Next's route export (and tests calling handlers directly) turn it into a
 * Response. Building a Response, and reading it back, made web streams the door then had to
 * drain: a tenth of the server's CPU per request under load.
 */
export type PlainAnswer = { status: number; headers: Record<string, string>; body: string | null };

/** What route() answers: plain, or a Response a handler made itself (a file export, say). */
export type ApiAnswer = PlainAnswer | Response;

export function jsonAnswer(data: unknown, status = 200, reqId?: string, extra: Record<string, string> = {}): PlainAnswer {
  const headers: Record<string, string> = { 'content-type': 'application/json', 'cache-control': 'no-store', ...extra };
  if (reqId) headers['x-request-id'] = reqId;
  return { status, headers, body: JSON.stringify(data) };
}

export function toResponse(answer: ApiAnswer): Response {
  return answer instanceof Response ? answer : new Response(answer.body, { status: answer.status, headers: answer.headers });
}
