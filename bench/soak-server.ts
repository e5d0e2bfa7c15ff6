/**
 * The server half of bench/soak.ts, in its own process run with --expose-gc: a fresh database, the
 * real route handlers, Socket.IO namespaces and background loops (test/harness.ts), and
 * the loop/heap monitor (test/loop-stats.ts). Answers the parent over IPC only: nothing
 * here is reachable over HTTP.
 */
import { randomBytes } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { createTestDb } from '@/test/test-db';
import { rowsOf } from '@/db/rows';
import { startHarness } from '../test/harness';
import { startLoopStats } from '../test/loop-stats';

process.env.AUTH_SECRET ??= randomBytes(48).toString('base64url');
process.env.MAX_CONCURRENT_AGENTS = '5000';
(process.env as Record<string, string>).NODE_ENV = 'production';
process.env.LOG_LEVEL ??= 'warn';
// Orphaned (the soak crashed): stop rather than linger.
process.on('disconnect', () => process.exit(1));

const stats = startLoopStats();
const t = await createTestDb({ adminPassword: 'soak-admin-password-1' });
await t.db.execute(sql`update departments set max_agents = 500`);
const h = await startHarness();
const send = (m: unknown) => process.send!(m);

process.on('message', async (m: { type: string; gc?: boolean; reset?: boolean }) => {
  if (m.type === 'stats') send({ type: 'stats', ...stats.read(m) });
  else if (m.type === 'account') {
    const one = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t.db.execute(q))[0];
    const byStatus = rowsOf<{ status: string; n: number }>(
      await t.db.execute(sql`select status, count(*)::int as n from tasks where type = 'soak' group by status`),
    );
    const checks = await one<Record<string, number>>(sql`
      select (select count(*)::int from (select e.task_id from task_events e join tasks tk on tk.id = e.task_id
                where tk.type = 'soak' and e.type = 'completed' group by e.task_id having count(*) > 1) x) as completed_twice,
             (select count(*)::int from allocations where status = 'active') as active_allocations,
             (select coalesce(sum(allocated), 0)::int from resource_pools) as pool_allocated`);
    send({ type: 'account', byStatus: Object.fromEntries(byStatus.map((r) => [r.status, r.n])), ...checks });
  } else if (m.type === 'stop') {
    stats.stop();
    await h.close();
    // Socket events already being handled finish before the database is dropped under them.
    await new Promise((r) => setTimeout(r, 1000));
    await t.drop();
    process.exit(0);
  }
});

send({ type: 'ready', url: h.url, engine: t.engine });
