import { AsyncLocalStorage } from 'node:async_hooks';
import pino, { type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

/** What every log line made inside a request or socket event carries (request id, event name, …). */
export type LogContext = { requestId: string; [k: string]: unknown };

type LogState = { logger: Logger; als: AsyncLocalStorage<LogContext> };

// On globalThis: Next's bundle and the custom server load lib/ twice, and both must write through
// one logger with one context store, or request ids would be lost at the boundary.
const g = globalThis as typeof globalThis & { __ecsLog?: LogState; __ecsLogStdout?: DestinationStream };

/**
 * Keys whose values never reach a log line, at any depth: credentials and anything that grants
 * access (a logged bearer or refresh token is a stolen session waiting to happen).
 */
const SECRET_KEYS = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentpassword',
  'newpassword',
  'secret',
  'token',
  'refreshtoken',
  'accesstoken',
  'otp',
  'apikey',
]);
const REDACTED = '[redacted]';
const BEARER = /\b(Bearer)\s+[\w.~+/=-]+/gi;

export function scrub(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.replace(BEARER, `$1 ${REDACTED}`);
  if (value === null || typeof value !== 'object' || depth > 8) return value;
  if (value instanceof Error) return { type: value.name, message: scrub(value.message, depth + 1), stack: value.stack };
  if (Array.isArray(value)) return value.map((v) => scrub(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = SECRET_KEYS.has(k.toLowerCase()) ? REDACTED : scrub(v, depth + 1);
  return out;
}

function level(): string {
  const l = process.env.LOG_LEVEL;
  return l && ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].includes(l)
    ? l
    : process.env.NODE_ENV === 'test'
      ? 'silent'
      : 'info';
}

/**
 * Lines written asynchronously in batches of 4 KiB (a synchronous write per line cost a quarter of
 * the server's CPU under load, bench/dispatch.ts), and flushed at least every `everyMs`: without
 * that, a quiet server held its lines back until 4 KiB had gathered, the bootstrap admin's
 * one-time password among them. pino flushes the rest on exit.
 */
export function batchedDestination(dest: number | string = 1, everyMs = 1000) {
  const out = pino.destination({ dest, sync: false, minLength: 4096 });
  const timer = setInterval(() => out.flush(), everyMs);
  timer.unref();
  out.on('close', () => clearInterval(timer));
  return out;
}

function build(destination?: DestinationStream, lvl = level()): Logger {
  const dest =
    destination ??
    (process.env.NODE_ENV === 'development' || process.env.LOG_FORMAT === 'pretty'
      ? pretty({ colorize: true, sync: true })
      : (g.__ecsLogStdout ??= batchedDestination()));
  return pino(
    {
      level: lvl,
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }), log: (obj) => scrub(obj) as Record<string, unknown> },
      // The current request's id (and socket event) joins every line logged under it, whoever logs.
      mixin: () => g.__ecsLog?.als.getStore() ?? {},
    },
    dest,
  );
}

function state(): LogState {
  return (g.__ecsLog ??= { logger: build(), als: new AsyncLocalStorage<LogContext>() });
}

/** The process-wide logger; lines made inside withLogContext carry its fields. */
export function log(): Logger {
  return state().logger;
}

export function withLogContext<T>(ctx: LogContext, fn: () => T): T {
  const { als } = state();
  const outer = als.getStore();
  // Socket events call this per message: no copy when there is nothing to merge.
  return als.run(outer ? { ...outer, ...ctx } : ctx, fn);
}

export function currentLogContext(): LogContext | undefined {
  return state().als.getStore();
}

/** Tests capture lines; settings may change the level. Returns the previous logger to restore. */
export function setLogDestination(destination?: DestinationStream, lvl?: string): Logger {
  const s = state();
  const prev = s.logger;
  s.logger = build(destination, lvl);
  return prev;
}

export function restoreLogger(prev: Logger): void {
  state().logger = prev;
}
