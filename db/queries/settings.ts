import { eq } from 'drizzle-orm';
import type { Db } from '../client';
import { settings } from '../schema/auth';

/** Run-time settings kept in Postgres, so every server process sees the same value. */
export async function readSetting<T>(db: Db, key: string, fallback: T): Promise<T> {
  const [row] = await db.select({ value: settings.value }).from(settings).where(eq(settings.key, key)).limit(1);
  return row ? (row.value as T) : fallback;
}

export async function writeSetting(db: Db, key: string, value: unknown, updatedBy: string): Promise<void> {
  await db
    .insert(settings)
    .values({ key, value, updatedBy })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy, updatedAt: new Date() } });
}
