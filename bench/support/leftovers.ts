import postgres from 'postgres';
import { Redis } from 'ioredis';
import { baseDatabaseUrl } from './database';

/** Names of the bench databases (ecs_bench_*) on the server now. */
export async function benchDatabases(): Promise<Set<string>> {
  const sql = postgres(baseDatabaseUrl(), { max: 1, onnotice: () => {} });
  try {
    const rows = await sql<{ datname: string }[]>`select datname from pg_database where datname like 'ecs\\_bench\\_%'`;
    return new Set(rows.map((r) => r.datname));
  } finally {
    await sql.end();
  }
}

/**
 * Drops bench databases that appeared since `before` and that nobody is connected to: what a bench
 * that crashed or was killed left behind. A database with sessions is someone else's running bench.
 */
export async function dropLeftoverDatabases(before: Set<string>): Promise<string[]> {
  const sql = postgres(baseDatabaseUrl(), { max: 1, onnotice: () => {} });
  const dropped: string[] = [];
  try {
    const rows = await sql<{ datname: string; sessions: number }[]>`
      select d.datname, (select count(*)::int from pg_stat_activity a where a.datname = d.datname) as sessions
      from pg_database d where d.datname like 'ecs\\_bench\\_%'`;
    for (const r of rows) {
      if (before.has(r.datname) || r.sessions > 0 || !/^ecs_bench_[a-z0-9_]+$/.test(r.datname)) continue;
      await sql.unsafe(`drop database if exists ${r.datname}`);
      dropped.push(r.datname);
    }
  } finally {
    await sql.end();
  }
  return dropped;
}

/** Deletes every Redis key under `prefix:` (a BullMQ queue prefix). Returns how many. */
export async function deleteRedisPrefix(prefix: string): Promise<number> {
  const u = new URL(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  const client = new Redis({
    host: u.hostname,
    port: Number(u.port || 6379),
    db: Number(u.pathname.slice(1) || 0),
    lazyConnect: true,
    maxRetriesPerRequest: 1,
  });
  let n = 0;
  try {
    await client.connect();
    let cursor = '0';
    do {
      const [next, keys] = await client.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length) n += await client.del(...keys);
      cursor = next;
    } while (cursor !== '0');
  } finally {
    client.disconnect();
  }
  return n;
}
