import { chainHash, legacyHash, macValid, rowFields, type AuditFields, type ChainKeys } from './chain';

/**
 * The one audit-chain check. Runs in worker threads (server/workers), so: plain data in and out,
 * relative imports only. A page of rows arrives as the database's JSON text, so the main thread
 * never parses or copies rows one by one. walkAuditPage() (no cryptography, cheap) says where the
 * next page starts; checkAuditPage() does the keyed work for one page, several pages at once.
 */
export type CheckRow = AuditFields & { id: number; mac: string | null; prevHash: string | null; hash: string | null };

export type ProblemKind =
  | 'mac-mismatch' // a chained row's content no longer matches its MAC: edited
  | 'hash-mismatch' // a chained row's hash is not the keyed hash of its link, id and MAC: forged link
  | 'broken-link' // prev_hash is not the previous chained row's hash
  | 'deleted-rows' // a broken link over a gap in the ids: the rows in between were deleted
  | 'unkeyed-row' // a row without a MAC where rows must carry one
  | 'unchained-forged-row' // an unchained row whose MAC is missing or wrong: not written by the server
  | 'unchained-row' // rows left out of the chain while later rows were chained
  | 'truncated' // the signed checkpoint names a row the log no longer reaches
  | 'hashes-removed' // the checkpoint's row is there, its hash gone
  | 'rechained' // the checkpoint's row carries another hash than the one signed
  | 'replayed-row' // two rows carry one MAC: a real row copied
  | 'bad-checkpoint'; // the checkpoint file's signature does not verify

export type Problem = { kind: ProblemKind; id: number; detail: string };

/** Where the walk stands before a row: what the next row's checks compare against. */
export type ChainState = {
  lastId: number;
  /** The last chained row, by its stored hash. */
  prev: { id: number; hash: string };
  /** Rows from this id on must carry a MAC (the first keyed row, or the checkpoint's record of it). */
  keyedFrom: number | null;
  /** Unchained rows since the last chained one. */
  unchained: { from: number; to: number; n: number } | null;
};

export type CheckBatch = { keys: ChainKeys; start: ChainState; rows: CheckRow[] };
/** Rows as `json_agg` of audit_log rows renders them (snake_case keys, ISO timestamps). */
export type PageText = { start: ChainState; text: string };
export type BatchResult = { checked: number; legacy: number; problems: Problem[] };

const MAX_PROBLEMS = 50;

export function startState(genesis: string, keyedFrom: number | null): ChainState {
  return { lastId: 0, prev: { id: 0, hash: genesis }, keyedFrom, unchained: null };
}

export function advance(s: ChainState, row: CheckRow): ChainState {
  const keyedFrom = s.keyedFrom ?? (row.mac ? row.id : null);
  if (row.hash === null || row.prevHash === null) {
    // Written before row MACs and never chained: counted as legacy, not as a hole in the chain.
    if (row.mac === null && !(keyedFrom !== null && row.id >= keyedFrom)) return { ...s, lastId: row.id };
    const u = s.unchained;
    return { ...s, lastId: row.id, keyedFrom, unchained: u ? { ...u, to: row.id, n: u.n + 1 } : { from: row.id, to: row.id, n: 1 } };
  }
  return { lastId: row.id, prev: { id: row.id, hash: row.hash }, keyedFrom, unchained: null };
}

export function parseAuditPage(text: string): CheckRow[] {
  return (JSON.parse(text) as Record<string, unknown>[]).map((r) => ({
    id: Number(r.id),
    at: new Date(r.at as string),
    actorType: r.actor_type as string,
    actorId: r.actor_id as string | null,
    actorName: r.actor_name as string | null,
    action: r.action as string,
    targetType: r.target_type as string | null,
    targetId: r.target_id as string | null,
    departmentId: r.department_id as string | null,
    ip: r.ip as string | null,
    outcome: r.outcome as CheckRow['outcome'],
    detail: r.detail as Record<string, unknown>,
    mac: r.mac as string | null,
    prevHash: r.prev_hash as string | null,
    hash: r.hash as string | null,
  }));
}

/** Where the walk stands after this page. */
export function walkAuditPage({ start, text }: PageText): ChainState {
  return parseAuditPage(text).reduce(advance, start);
}

export function checkAuditPage({ keys, start, text }: PageText & { keys: ChainKeys }): BatchResult {
  return checkAuditBatch({ keys, start, rows: parseAuditPage(text) });
}

export function checkAuditBatch({ keys, start, rows }: CheckBatch): BatchResult {
  const problems: Problem[] = [];
  const report = (kind: ProblemKind, id: number, detail: string) => problems.length < MAX_PROBLEMS && problems.push({ kind, id, detail });
  let s = start;
  let checked = 0;
  let legacy = 0;
  for (const row of rows) {
    const fields = rowFields(row);
    const keyed = s.keyedFrom !== null && row.id >= s.keyedFrom;
    if (row.hash === null || row.prevHash === null) {
      if (row.mac === null && !keyed) legacy++;
      else if (!macValid(keys.row, row.mac, fields))
        report(
          'unchained-forged-row',
          row.id,
          `row ${row.id} is not chained and its MAC ${row.mac ? 'does not match its content' : 'is missing'}: the server never wrote it`,
        );
      s = advance(s, row);
      continue;
    }
    checked++;
    if (s.unchained)
      report(
        'unchained-row',
        s.unchained.from,
        `rows ${s.unchained.from}..${s.unchained.to} (${s.unchained.n}) are not chained, yet row ${row.id} after them is`,
      );
    if (row.prevHash !== s.prev.hash) {
      if (!s.unchained && row.id > s.lastId + 1 && s.lastId > 0)
        report(
          'deleted-rows',
          s.lastId + 1,
          `row ${row.id} does not link to row ${s.lastId}: rows ${s.lastId + 1}..${row.id - 1} were deleted`,
        );
      else report('broken-link', row.id, `row ${row.id} does not link to row ${s.prev.id}, the chained row before it`);
    }
    if (row.mac === null) {
      if (keyed) report('unkeyed-row', row.id, `row ${row.id} has no MAC, but rows from ${s.keyedFrom} on must have one`);
      else {
        legacy++;
        if (legacyHash(row.prevHash, fields) !== row.hash)
          report('hash-mismatch', row.id, `row ${row.id} (from before row MACs) does not match its hash: edited`);
      }
    } else {
      if (!macValid(keys.row, row.mac, fields)) report('mac-mismatch', row.id, `row ${row.id}'s content does not match its MAC: edited`);
      if (chainHash(keys.chain, row.prevHash, row.id, row.mac) !== row.hash)
        report('hash-mismatch', row.id, `row ${row.id}'s hash is not the keyed hash of its link: forged`);
    }
    s = advance(s, row);
  }
  return { checked, legacy, problems };
}
