import { mkdirSync } from 'node:fs';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import * as org from './schema/org';
import * as auth from './schema/auth';
import * as work from './schema/work';
import * as schedules from './schema/schedules';
import * as webhooks from './schema/webhooks';
import * as cluster from './schema/cluster';

export const schema = { ...org, ...auth, ...work, ...schedules, ...webhooks, ...cluster };
export type Schema = typeof schema;
/** A database or a transaction: every query module accepts either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;
export type Engine = 'postgres' | 'pglite';

/** `url` is set for Postgres, so a module can open a dedicated connection (leadership locks) on the same database. */
export type DbHandle = { db: Db; engine: Engine; close: () => Promise<void>; url?: string };

export type OpenOptions = { url?: string; dataDir?: string; max?: number; statementTimeoutMs?: number };

/**
 * Milliseconds a statement, or a transaction sitting idle, may last before Postgres ends it
 * (`DB_STATEMENT_TIMEOUT`, default 30 s). route() answers 503 a little after it (lib/http/route.ts).
 */
export function dbStatementTimeoutMs(): number {
  return Number(process.env.DB_STATEMENT_TIMEOUT) || 30_000;
}

/** Connections per process (`DB_POOL_SIZE`, default 10 as postgres.js's own). */
export function dbPoolSize(): number {
  return Number(process.env.DB_POOL_SIZE) || 10;
}

/** postgres.js when a URL is given, otherwise PGlite persisted in dataDir (or in memory for `memory://`). */
export async function openDb(opts: OpenOptions): Promise<DbHandle> {
  if (opts.url) {
    const { default: postgres } = await import('postgres');
    const { drizzle } = await import('drizzle-orm/postgres-js');
    const timeout = opts.statementTimeoutMs ?? dbStatementTimeoutMs();
    const sql = postgres(opts.url, {
      max: opts.max ?? dbPoolSize(),
      onnotice: () => {},
      // Seconds a new connection may take before its queries fail (CONNECT_TIMEOUT → 503): a
      // dead or blackholed database must turn into a quick 503, not a hung request.
      connect_timeout: Number(process.env.DB_CONNECT_TIMEOUT) || 3,
      idle_timeout: 60,
      // postgres.js waits out its reconnect backoff before even dialling, with no timer on the
      // queued query: its default grows to 10–20 s after a few failed connects, so a request
      // during an outage hung that long. Capped at 1 s, a request fails (503) within
      // connect_timeout + 1 s, and recovery is noticed within a second.
      backoff: (retries: number) => Math.min(0.05 * 2 ** retries, 1),
      // Server-side bounds, sent as connection parameters. A connection cut mid-transaction can
      // leave postgres.js waiting forever on a session Postgres holds open "idle in transaction"
      // (server/faults/postgres-flap.test.ts): Postgres ends that session, the client sees the
      // close and fails the query. statement_timeout stops a runaway statement the same way.
      connection: { statement_timeout: timeout, idle_in_transaction_session_timeout: timeout },
    });
    preparedByDefault(sql);
    const db = drizzle(sql, { schema }) as unknown as Db;
    return { db, engine: 'postgres', url: opts.url, close: () => sql.end({ timeout: 5 }) };
  }
  const { drizzle } = await import('drizzle-orm/pglite');
  const { openPglite } = await import('./pglite');
  const dir = opts.dataDir ?? 'memory://';
  if (!dir.startsWith('memory://')) mkdirSync(/*turbopackIgnore: true*/ dir, { recursive: true });
  const client = await openPglite(dir);
  const db = drizzle(client, { schema }) as unknown as Db;
  return { db, engine: 'pglite', close: () => client.close() };
}

type Unsafe = (query: string, args?: unknown[], options?: Record<string, unknown>) => unknown;
type Client = { unsafe: Unsafe; begin: (...args: unknown[]) => unknown };

/**
 * drizzle sends every query unnamed (prepare: false). postgres.js then asks Postgres to describe
 * each parameterised query before running it (a second round trip) and Postgres parses and plans
 * it every time. As named statements, cached per connection, both happen once per connection.
 */
function preparedByDefault(client: unknown): void {
  const c = client as Client;
  const unsafe = c.unsafe;
  c.unsafe = (query, args, options) => unsafe(query, args, { ...options, prepare: true });
  const begin = c.begin;
  // A transaction gets its own client object: prepare there too.
  c.begin = (...args: unknown[]) => {
    const fn = args.pop() as (tx: unknown) => unknown;
    return begin(...args, (tx: unknown) => {
      preparedByDefault(tx);
      return fn(tx);
    });
  };
}

type Holder = { handle?: DbHandle };
const holder: Holder = ((globalThis as Record<string, unknown>).__ecsDb ??= {}) as Holder;

/**
 * The process's one database. Kept on globalThis because the custom server and Next's bundled
 * route handlers load this module separately; two PGlite instances on one directory corrupt it.
 */
export function getDb(): Db {
  if (!holder.handle) throw new Error('Database not initialised: call setDbHandle() at start-up');
  return holder.handle.db;
}

export function getDbHandle(): DbHandle | undefined {
  return holder.handle;
}

export function setDbHandle(handle: DbHandle | undefined): void {
  holder.handle = handle;
}
