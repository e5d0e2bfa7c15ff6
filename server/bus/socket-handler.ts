import type { Socket } from 'socket.io';
import type { z } from 'zod';
import { toProblem, zodProblems } from '@/lib/problems/problem';
import { assertJsonDepth } from '@/lib/http/request';
import { log, withLogContext } from '@/lib/log';
import { getDb } from '@/db/client';
import { auditDenied } from '@/lib/security/denied';
import type { SocketData } from './handshake';

export type Ack = (reply: unknown) => void;

let events = 0;

/**
 * Registers an agent → server event: the payload is parsed with its zod schema, the answer goes
 * back through the acknowledgement as {ok: true, data} or {ok: false, error: problem}. A bad
 * payload never throws past here, so the socket stays up. A handler may answer synchronously:
 * then no promise is made for the event (on a busy bus, per message, every one counts).
 */
export function handle<S extends z.ZodType>(socket: Socket, event: string, schema: S, fn: (payload: z.output<S>) => unknown) {
  const fail = async (err: unknown, reply: Ack | undefined) => {
    // Refusals on the socket are audited like REST ones (auditDenied ignores anything else).
    await auditDenied(getDb(), (socket.data as Partial<SocketData>).principal, err, { door: 'socket', path: event });
    const problem = toProblem(err);
    if (problem.status >= 500 && problem.status !== 503) log().error({ err, event }, 'socket event failed');
    reply?.({ ok: false, error: problem });
  };
  const run = (data: z.output<S>, reply: Ack | undefined) => {
    let out: unknown;
    try {
      out = fn(data);
    } catch (err) {
      return void fail(err, reply);
    }
    if (out instanceof Promise)
      out.then(
        (d) => reply?.({ ok: true, data: d ?? null }),
        (err) => fail(err, reply),
      );
    else reply?.({ ok: true, data: out ?? null });
  };
  socket.on(event, (payload: unknown, ack?: unknown) => {
    const reply = typeof ack === 'function' ? (ack as Ack) : typeof payload === 'function' ? (payload as Ack) : undefined;
    const input = typeof payload === 'function' ? undefined : payload;
    try {
      assertJsonDepth(input);
    } catch (err) {
      return void reply?.({ ok: false, error: toProblem(err) });
    }
    const parsed = schema.safeParse(input);
    if (!parsed.success) {
      return void reply?.({
        ok: false,
        error: {
          type: 'about:blank',
          title: 'Bad Request',
          status: 400,
          detail: `Invalid ${event} payload`,
          errors: zodProblems(parsed.error),
        },
      });
    }
    // Each event gets its own request id, carried into lib/ so its log lines can be followed like
    // an HTTP request's: the socket's id and a count, unique without minting a UUID per event.
    withLogContext({ requestId: `${socket.id}-${++events}`, event, socketId: socket.id }, () => run(parsed.data, reply));
  });
}
