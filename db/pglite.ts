import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { PGlite } from '@electric-sql/pglite';
import { noteStatement } from './activity';

/**
 * PGlite's shared buffers (`PGLITE_SHARED_BUFFERS`, default 16MB). Postgres's own default of 128MB
 * is zero-filled in the WASM memory at start, so all of it was resident however small the
 * database; pages beyond the buffers come from the operating system's file cache.
 */
export function pgliteSharedBuffers(): string {
  const v = process.env.PGLITE_SHARED_BUFFERS?.trim();
  return v && /^\d+(kB|MB|GB)?$/.test(v) ? v : '16MB';
}

/**
 * Creating a data directory runs initdb in a second WASM instance, and its memory (about 400 MB
 * resident) stayed with the process for good. A child process does that once, so the server
 * opens an initialised directory like any restart does. When the child fails, the server
 * initialises it itself as before.
 */
async function initialiseInChild(dir: string): Promise<void> {
  if (existsSync(path.join(dir, 'PG_VERSION'))) return;
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  const code =
    'const { PGlite } = require(process.argv[1]); PGlite.create(process.argv[2]).then((db) => db.close()).then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });';
  await new Promise<void>((resolve) => {
    const child = spawn(process.execPath, ['-e', code, entry, dir], { stdio: ['ignore', 'ignore', 'inherit'] });
    child.once('error', () => resolve());
    child.once('exit', () => resolve());
  });
}

/** A PGlite on a directory (initialised first if new) or in memory (`memory://`). */
export async function openPglite(dir: string): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  const inMemory = dir.startsWith('memory://');
  if (!inMemory) await initialiseInChild(path.resolve(/*turbopackIgnore: true*/ dir));
  const client = await PGlite.create(inMemory ? undefined : path.resolve(/*turbopackIgnore: true*/ dir), {
    startParams: [...PGlite.defaultStartParams, '-c', `shared_buffers=${pgliteSharedBuffers()}`],
  });
  observeWrites(client);
  return client;
}

/**
 * Every write of the process goes through this one client (the data directory is locked to it),
 * so jobs polling for due work can rest until one happens (db/activity.ts).
 */
function observeWrites(client: PGlite): void {
  const c = client as unknown as Record<'query' | 'exec' | 'transaction', (...args: unknown[]) => unknown>;
  for (const name of ['query', 'exec'] as const) {
    const fn = c[name].bind(client);
    c[name] = (text, ...rest) => {
      noteStatement(String(text));
      return fn(text, ...rest);
    };
  }
  const transaction = c.transaction.bind(client);
  c.transaction = (...args) => {
    noteStatement();
    return transaction(...args);
  };
}
