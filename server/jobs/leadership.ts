import { getDbHandle, openDb, type DbHandle } from '@/db/client';
import { holdJobLocks } from '@/db/queries/leadership';
import { log } from '@/lib/log';

export type Leadership = { leads: (job: string) => boolean; stop: () => Promise<void> };

/** How often the locks are checked and free ones taken: the takeover time after a holder dies. */
export const LEADERSHIP_CHECK_MS = 1_000;
/** A check older than this no longer counts: the session may be gone without our knowing. */
const STALE_MS = 3 * LEADERSHIP_CHECK_MS;

/**
 * Leadership of once-per-cluster jobs through Postgres session advisory locks, one per job, held
 * on a dedicated connection. When the holding process dies (even SIGKILL) Postgres sees the socket
 * close and frees its locks at once; the others try each second, so one takes over within about
 * a second. Locks are per database, so clusters on different databases never meet.
 * Without a Postgres URL (PGlite: one process owns the data directory) this process always leads.
 */
export function startLeadership(jobs: string[]): Leadership {
  const url = getDbHandle()?.url;
  if (!url || !jobs.length) return { leads: () => true, stop: async () => {} };

  const keys = new Map(jobs.map((name) => [name, jobKey(name)]));
  let held = new Set<number>();
  let checkedAt = 0;
  let session: Promise<DbHandle> | undefined;
  let busy = false;
  let stopped = false;
  let failures = 0;
  let timer: NodeJS.Timeout | undefined;

  const check = async () => {
    if (busy || stopped) return;
    busy = true;
    try {
      session ??= openDb({ url, max: 1 });
      held = await holdJobLocks((await session).db, [...keys.values()]);
      checkedAt = Date.now();
      failures = 0;
    } catch (err) {
      held = new Set();
      failures++;
      if (failures === 1 || failures % 10 === 0) log().warn({ failures, err: (err as Error).message }, 'job leadership check failed');
    } finally {
      busy = false;
      if (!stopped) timer = setTimeout(check, LEADERSHIP_CHECK_MS);
    }
  };
  void check();

  return {
    leads: (job) => Date.now() - checkedAt < STALE_MS && held.has(keys.get(job) ?? -1),
    stop: async () => {
      stopped = true;
      clearTimeout(timer);
      held = new Set();
      // Closing the session frees the locks now, so another process takes over without waiting.
      const s = await session?.catch(() => undefined);
      await s?.close().catch(() => {});
    },
  };
}

/** A stable positive 31-bit key per job name (FNV-1a). */
export function jobKey(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}
