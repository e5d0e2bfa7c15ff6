import { sql } from 'drizzle-orm';
import type { Db } from '../client';

/** The cheapest statement that proves the database answers. */
export async function pingDb(db: Db): Promise<void> {
  await db.execute(sql`select 1`);
}
