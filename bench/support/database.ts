import postgres from 'postgres';

export type FreshDatabase = { name: string; url: string; drop: () => Promise<void> };

/** Base server URL: DATABASE_URL or the machine's Postgres. Benches make their own database on it. */
export const baseDatabaseUrl = () => process.env.DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/postgres';

/** Creates an empty database named ecs_bench_<tag>_<time> and returns a drop() that removes it even with sessions open. */
export async function freshDatabase(tag = 'server'): Promise<FreshDatabase> {
  const base = baseDatabaseUrl();
  const name = `ecs_bench_${tag.replace(/[^a-z0-9]/gi, '').toLowerCase()}_${Date.now().toString(36)}`;
  const admin = postgres(base, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`create database ${name}`);
  } finally {
    await admin.end();
  }
  const u = new URL(base);
  u.pathname = `/${name}`;
  return {
    name,
    url: u.toString(),
    drop: async () => {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      // A library's pool may still be closing its connections: give it a moment, then force. A
      // connection killed by the force ends in FATAL 57P01 on its client, which such a pool may
      // throw as an unhandled 'error'; that one is expected here and swallowed.
      const expected = (err: unknown) => (err as { code?: string })?.code === '57P01';
      const swallow = (err: unknown) => {
        if (expected(err)) return;
        console.error(err);
        process.exit(1);
      };
      process.on('uncaughtException', swallow);
      try {
        for (let i = 0; i < 25; i++) {
          const [{ n }] = await a`select count(*)::int as n from pg_stat_activity where datname = ${name}`;
          if (n === 0) break;
          await new Promise((r) => setTimeout(r, 200));
        }
        await a.unsafe(`drop database if exists ${name} with (force)`);
        await new Promise((r) => setTimeout(r, 100)); // let killed clients report before the guard goes
      } finally {
        process.off('uncaughtException', swallow);
        await a.end();
      }
    },
  };
}
