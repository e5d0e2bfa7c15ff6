import { randomBytes } from 'node:crypto';
import { openDb, setDbHandle, type DbHandle } from '../db/client';
import { migrateDb } from '../db/migrate';
import { seed } from '../server/seed';

export type TestDb = DbHandle & { url?: string; drop: () => Promise<void> };

/**
 * A fresh, migrated and seeded database for one test file: a new Postgres database when
 * DATABASE_URL is set (CI), otherwise an in-memory PGlite. Also becomes the process's getDb().
 */
export async function createTestDb(opts: { seed?: boolean; adminPassword?: string } = {}): Promise<TestDb> {
  const base = process.env.DATABASE_URL;
  let handle: DbHandle;
  let url: string | undefined;
  let dropDb = async () => {};
  if (base) {
    const { default: postgres } = await import('postgres');
    const name = `ecs_t_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
    const admin = postgres(base, { max: 1, onnotice: () => {} });
    await admin.unsafe(`create database ${name}`);
    await admin.end();
    const u = new URL(base);
    u.pathname = `/${name}`;
    url = u.toString();
    handle = await openDb({ url, max: 20 });
    dropDb = async () => {
      const a = postgres(base, { max: 1, onnotice: () => {} });
      await a.unsafe(`drop database if exists ${name} with (force)`);
      await a.end();
    };
  } else {
    handle = await openDb({ dataDir: 'memory://' });
  }
  await migrateDb(handle, url);
  if (opts.seed !== false) await seed(handle.db, { adminUsername: 'admin', adminPassword: opts.adminPassword ?? 'test-admin-password-1' });
  setDbHandle(handle);
  return {
    ...handle,
    url,
    drop: async () => {
      setDbHandle(undefined);
      await handle.close();
      await dropDb();
    },
  };
}

/** Drops a database made beside the test's own (a restore target, an old-schema copy). */
export async function dropDatabaseAt(url: string): Promise<void> {
  const { default: postgres } = await import('postgres');
  const admin = postgres(process.env.DATABASE_URL!, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${new URL(url).pathname.slice(1)} with (force)`);
  await admin.end();
}
