import { createHash, createHmac } from 'node:crypto';
import { appendFile, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Db } from '@/db/client';
import { databaseIdentity } from '@/db/queries/audit';
import { env } from '../env';
import { log } from '../log';
import { canonicalJson, sameText } from './chain';
import { auditKeys } from './keys';

/**
 * The chain's signed head, kept outside the database: the id of the last chained row and its hash,
 * signed with a key derived from AUTH_SECRET. Someone who can only write the database can delete
 * the newest rows, but can neither make the log reach this id again with this hash nor sign an
 * older checkpoint, so truncation shows. Only the chainer writes it (one process, see
 * chain-writer.ts); everyone reads it.
 */
export type Checkpoint = {
  v: 1;
  /** The database it belongs to (cluster identifier / database name): a checkpoint of another one is ignored. */
  db: string;
  lastId: number;
  head: string;
  /** Rows from this id on carry a MAC; null before the first keyed row. */
  keyedFrom: number | null;
  at: string;
  sig: string;
};

export type CheckpointRead = { checkpoint?: Checkpoint; file: string; invalid?: string };

const identities = new WeakMap<Db, Promise<string>>();
const LOG_EVERY_MS = 60_000;
let loggedAt = 0;

/**
 * DATA_DIR, or beside AUDIT_LOG_PATH when that is set (where operators keep what must outlive the
 * database); one file per database, so tests and a restored copy under a new name don't mix.
 */
export async function checkpointFile(db: Db): Promise<string> {
  let id = identities.get(db);
  if (!id) identities.set(db, (id = databaseIdentity(db)));
  const key = createHash('sha256')
    .update(await id)
    .digest('hex')
    .slice(0, 16);
  const e = env();
  const dir = e.AUDIT_LOG_PATH ? path.dirname(e.AUDIT_LOG_PATH) : e.DATA_DIR;
  // Not a build-time path: keep the bundler from tracing the data directory.
  return path.resolve(/*turbopackIgnore: true*/ dir, `audit-checkpoint-${key}.json`);
}

export async function readCheckpoint(db: Db): Promise<CheckpointRead> {
  const file = await checkpointFile(db);
  let text: string;
  try {
    text = await readFile(/*turbopackIgnore: true*/ file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { file };
    throw err;
  }
  let cp: Checkpoint;
  try {
    cp = JSON.parse(text) as Checkpoint;
  } catch {
    return { file, invalid: 'not JSON' };
  }
  if (typeof cp.sig !== 'string' || !sameText(sign(cp), cp.sig)) return { file, invalid: 'its signature does not verify' };
  const identity = await identities.get(db)!;
  if (cp.db !== identity) return { file, invalid: `it belongs to database ${cp.db}` };
  return { file, checkpoint: cp };
}

/** Replaces the file (write, then rename: never half a checkpoint), copies it to AUDIT_LOG_PATH and, now and then, to the log. */
export async function writeCheckpoint(db: Db, head: { lastId: number; head: string; keyedFrom: number | null }): Promise<Checkpoint> {
  const file = await checkpointFile(db);
  const unsigned = { v: 1 as const, db: await identities.get(db)!, ...head, at: new Date().toISOString() };
  const cp: Checkpoint = { ...unsigned, sig: sign(unsigned) };
  await mkdir(/*turbopackIgnore: true*/ path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, `${JSON.stringify(cp)}\n`, { mode: 0o600 });
  await rename(tmp, file);
  const copy = env().AUDIT_LOG_PATH;
  if (copy) await appendFile(copy, `${JSON.stringify({ auditCheckpoint: cp })}\n`).catch(() => undefined);
  if (Date.now() - loggedAt >= LOG_EVERY_MS) {
    loggedAt = Date.now();
    log().info({ auditCheckpoint: cp }, 'audit checkpoint');
  }
  return cp;
}

function sign(cp: Omit<Checkpoint, 'sig'> & { sig?: string }): string {
  const { sig: _, ...body } = cp;
  return createHmac('sha256', auditKeys().checkpoint).update(canonicalJson(body)).digest('hex');
}
