import path from 'node:path';
import { openDb, setDbHandle, type DbHandle } from '@/db/client';
import { lockDataDir } from './data-dir-lock';
import { migrateDb } from '@/db/migrate';
import { seed } from '@/server/seed';
import { env } from '@/lib/env';
import { ensureAuthSecret } from '@/lib/keys/secret';
import { oidcProviders } from '@/lib/auth/oidc/settings';
import { runtimeState } from '@/lib/health';
import { log as logger } from '@/lib/log';
import { registerPoolWork } from './workers/register';
import { syncEnvWebhook } from '@/lib/webhooks/from-env';

/** Settings, secret, database, migrations and seed: everything the doors need before they open. */
export async function bootCore(log: (msg: string) => void = (msg) => logger().info(msg)): Promise<DbHandle> {
  const e = env();
  // A bad single sign-on setting stops start-up here, naming it, rather than at the first sign-in.
  const sso = oidcProviders();
  if (sso.length) log(`single sign-on: ${sso.map((p) => `${p.name} (${p.issuer})`).join(', ')}`);
  ensureAuthSecret(e.DATA_DIR);
  const unlock = e.DATABASE_URL ? () => {} : lockDataDir(e.DATA_DIR);
  const opened = await openDb({ url: e.DATABASE_URL, dataDir: path.join(e.DATA_DIR, 'pglite') });
  const handle = {
    ...opened,
    close: async () => {
      await opened.close();
      unlock();
    },
  };
  setDbHandle(handle);
  log(`database: ${handle.engine}${handle.engine === 'pglite' ? ` in ${path.resolve(e.DATA_DIR, 'pglite')}` : ''}`);
  await migrateDb(handle, e.DATABASE_URL);
  const seeded = await seed(handle.db, { adminUsername: e.ECS_ADMIN_USERNAME, adminPassword: e.ECS_ADMIN_PASSWORD });
  if (seeded.departments) log(`seeded ${seeded.departments} departments and ${seeded.pools} resource pools`);
  if (seeded.admin?.generatedPassword) {
    log(`bootstrap super-admin created (shown once): username ${seeded.admin.username}, password ${seeded.admin.generatedPassword}`);
  } else if (seeded.admin) {
    log(`bootstrap super-admin '${seeded.admin.username}' created from ECS_ADMIN_USERNAME / ECS_ADMIN_PASSWORD`);
  }
  await syncEnvWebhook(handle.db);
  // Audit verification and exports from any door (REST, console actions) run on the worker pool.
  registerPoolWork();
  runtimeState().migrated = true;
  return handle;
}
