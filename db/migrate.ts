import path from 'node:path';
import type { DbHandle } from './client';

const migrationsFolder = path.resolve(process.cwd(), 'db/migrations');
// Any fixed number: several server processes starting together migrate one at a time.
const MIGRATION_LOCK = 727_001;

export async function migrateDb(handle: DbHandle, url?: string): Promise<void> {
  if (handle.engine === 'pglite' || !url) {
    const { migrate } = await import('drizzle-orm/pglite/migrator');
    await migrate(handle.db as never, { migrationsFolder });
    return;
  }
  const { migrate } = await import('drizzle-orm/postgres-js/migrator');
  const { drizzle } = await import('drizzle-orm/postgres-js');
  const { default: postgres } = await import('postgres');
  // A session-level lock needs its own connection: the pool may hand each query to another one.
  // The migrations run on that connection too, without the pool's statement timeout: waiting for
  // another process's migrations, or building an index on a big table, may take longer.
  const lockConn = postgres(url, {
    max: 1,
    onnotice: () => {},
    connection: { statement_timeout: 0, idle_in_transaction_session_timeout: 0 },
  });
  try {
    await lockConn`select pg_advisory_lock(${MIGRATION_LOCK})`;
    await migrate(drizzle(lockConn), { migrationsFolder });
  } finally {
    await lockConn`select pg_advisory_unlock(${MIGRATION_LOCK})`.catch(() => {});
    await lockConn.end({ timeout: 2 });
  }
}
