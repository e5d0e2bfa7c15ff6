import postgres from 'postgres';

export type WaitShares = { samples: number; byWait: [string, number][] };

/**
 * Samples what Postgres sessions of one database are doing, every `everyMs`, until stop(): on CPU,
 * or waiting (for the WAL flush, a lock, the client…). The shares say where statement time goes
 * when latency is above what CPU alone explains. Answers once its connection is up, so opening it
 * (a backend forked, authenticated) happens before the phase it samples, not in it; every 50 ms
 * (it was 20) keeps its own queries to a small share of the Postgres time it measures.
 */
export async function samplePgWaits(databaseUrl: string, everyMs = 50): Promise<{ stop: () => Promise<WaitShares> }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  await sql`select 1`;
  const counts = new Map<string, number>();
  let samples = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const rows = await sql<{ wait: string }[]>`select coalesce(wait_event_type || ':' || wait_event, 'CPU') as wait
        from pg_stat_activity where datname = current_database() and state = 'active' and pid <> pg_backend_pid()`;
      for (const r of rows) {
        samples++;
        counts.set(r.wait, (counts.get(r.wait) ?? 0) + 1);
      }
      await new Promise((r) => setTimeout(r, everyMs));
    }
  })();
  return {
    stop: async () => {
      stopped = true;
      await done;
      await sql.end();
      return { samples, byWait: [...counts].sort((a, b) => b[1] - a[1]) };
    },
  };
}

/** "IO:WALSync 41%, CPU 22%, …" (the first `n`). */
export function formatWaits(w: WaitShares, n = 5): string {
  if (!w.samples) return 'no active statements sampled';
  return w.byWait
    .slice(0, n)
    .map(([k, v]) => `${k} ${Math.round((v / w.samples) * 100)}%`)
    .join(', ');
}

/**
 * Commit latency of this Postgres on its own: one-row inserts, one at a time, for `ms`. What a
 * single durable commit costs here (mostly the WAL fsync) is the floor under any create's latency.
 */
export async function commitLatency(databaseUrl: string, ms = 2000): Promise<{ n: number; p50: number; p99: number }> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
  try {
    // A logged table: writes to a temporary one make no WAL, so their commits never wait for the disk.
    await sql`create table if not exists bench_commit_probe (id serial primary key, at timestamptz default now())`;
    const lat: number[] = [];
    const until = performance.now() + ms;
    while (performance.now() < until) {
      const t0 = performance.now();
      await sql`insert into bench_commit_probe default values`;
      lat.push(performance.now() - t0);
    }
    lat.sort((a, b) => a - b);
    await sql`drop table bench_commit_probe`;
    return { n: lat.length, p50: lat[Math.floor(lat.length * 0.5)], p99: lat[Math.floor(lat.length * 0.99)] };
  } finally {
    await sql.end();
  }
}
