import { sql } from 'drizzle-orm';
import type { Db } from '../client';
import { rowsOf } from '../rows';

export type ProcessRow = { id: string; host: string; pid: number; version: string; startedAt: Date; seenAt: Date; report: unknown };
export type ProcessBeat = Omit<ProcessRow, 'seenAt'>;

/** Rows not rewritten for this long are deleted by whichever process beats next (the console shows live ones only). */
const FORGET_AFTER = '1 hour';

type Raw = { id: string; host: string; pid: number; version: string; started_at: string | Date; seen_at: string | Date; report: unknown };
const toRow = (r: Raw): ProcessRow => ({
  id: r.id,
  host: r.host,
  pid: Number(r.pid),
  version: r.version,
  startedAt: new Date(r.started_at),
  seenAt: new Date(r.seen_at),
  report: typeof r.report === 'string' ? JSON.parse(r.report) : r.report,
});

/**
 * One statement per beat: writes this process's row, forgets long-gone ones, and reads the other
 * processes seen within `freshMs` (by the database's clock, so the hosts' clocks don't matter).
 */
export async function beatAndReadPeers(db: Db, me: ProcessBeat, freshMs: number): Promise<ProcessRow[]> {
  const report = JSON.stringify(me.report);
  const rows = rowsOf<Raw>(
    await db.execute(sql`
      with beat as (
        insert into cluster_processes (id, host, pid, version, started_at, seen_at, report)
        values (${me.id}, ${me.host}, ${me.pid}, ${me.version}, ${me.startedAt.toISOString()}::timestamptz, now(), ${report}::jsonb)
        on conflict (id) do update set seen_at = now(), report = excluded.report, version = excluded.version
        returning id
      ), forgotten as (
        delete from cluster_processes where seen_at < now() - ${FORGET_AFTER}::interval and id <> ${me.id}
      )
      select id, host, pid, version, started_at, seen_at, report from cluster_processes
      where id <> ${me.id} and seen_at > now() - make_interval(secs => ${freshMs / 1000})
      order by started_at, id`),
  );
  return rows.map(toRow);
}

/** The processes seen within `freshMs`, this one included if it has beaten already. */
export async function readLiveProcesses(db: Db, freshMs: number): Promise<ProcessRow[]> {
  const rows = rowsOf<Raw>(
    await db.execute(sql`
      select id, host, pid, version, started_at, seen_at, report from cluster_processes
      where seen_at > now() - make_interval(secs => ${freshMs / 1000})
      order by started_at, id`),
  );
  return rows.map(toRow);
}

/** On shutdown: the process leaves at once instead of after the stale window. */
export async function removeProcess(db: Db, id: string): Promise<void> {
  await db.execute(sql`delete from cluster_processes where id = ${id}`);
}
