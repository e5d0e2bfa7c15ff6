import { randomUUID } from 'node:crypto';
import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { toProblem, zodProblems } from '@/lib/http/problem';
import { assertJsonDepth } from '@/lib/http/request';
import { log, withLogContext } from '@/lib/log';
import { getDb } from '@/db/client';
import { auditDenied } from '@/lib/audit/denied';
import type { SocketData } from './handshake';

export type Ack = (reply: unknown) => void;

/**
 * Registers an agent → server event: the payload is parsed with its zod schema, the answer goes
 * back through the acknowledgement as {ok: true, data} or {ok: false, error: problem}. A bad
 * payload never throws past here, so the socket stays up.
 */
export function handle<S extends z.ZodType>(socket: Socket, event: string, schema: S, fn: (payload: z.output<S>) => Promise<unknown>) {
  // Each event gets its own request id, carried into lib/ so its log lines can be followed like an HTTP request's.
  socket.on(event, (payload: unknown, ack?: unknown) =>
    withLogContext({ requestId: randomUUID(), event, socketId: socket.id }, () => onEvent(payload, ack)),
  );
  const onEvent = async (payload: unknown, ack?: unknown) => {
    const reply = typeof ack === 'function' ? (ack as Ack) : typeof payload === 'function' ? (payload as Ack) : undefined;
    const input = typeof payload === 'function' ? undefined : payload;
    try {
      assertJsonDepth(input);
    } catch (err) {
      reply?.({ ok: false, error: toProblem(err) });
      return;
    }
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      reply?.({ ok: false, error: { type: 'about:blank', title: 'Bad Request', status: 400, detail: `Invalid ${event} payload`, errors: zodProblems(parsed.error) } });
      return;
    }
    try {
      const data = await fn(parsed.data);
      reply?.({ ok: true, data: data ?? null });
    } catch (err) {
      // Refusals on the socket are audited like REST ones (auditDenied ignores anything else).
      await auditDenied(getDb(), (socket.data as Partial<SocketData>).principal, err, { door: 'socket', path: event });
      const problem = toProblem(err);
      if (problem.status >= 500 && problem.status !== 503) log().error({ err, event }, 'socket event failed');
      reply?.({ ok: false, error: problem });
    }
  };
}
