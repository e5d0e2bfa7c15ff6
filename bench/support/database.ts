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
      try {
        await a.unsafe(`drop database if exists ${name} with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}
