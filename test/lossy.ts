import type { Db } from '../db/client';

type Unsafe = (...args: unknown[]) => Promise<unknown>;

/**
 * A database whose next statement commits but whose answer never arrives, as when a connection is
 * cut after the commit. Covers both ways a statement leaves: drizzle's execute, and the driver
 * directly (db/raw.ts).
 */
export function losingNextAnswer(db: Db): Db {
  let armed = true;
  const lose = <T>(result: T): T => {
    if (!armed) return result;
    armed = false;
    throw new Error('connection lost after commit');
  };
  const client = (db as unknown as { $client?: { unsafe?: Unsafe } }).$client;
  const lossyClient =
    client?.unsafe &&
    new Proxy(client, {
      get: (target, key, receiver) =>
        key === 'unsafe' ? async (...args: unknown[]) => lose(await target.unsafe!(...args)) : Reflect.get(target, key, receiver),
    });
  return new Proxy(db, {
    get(target, key, receiver) {
      if (key === '$client' && lossyClient) return lossyClient;
      if (key === 'execute') return async (query: Parameters<Db['execute']>[0]) => lose(await target.execute(query));
      return Reflect.get(target, key, receiver);
    },
  });
}
