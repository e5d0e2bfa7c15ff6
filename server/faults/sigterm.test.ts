import { afterEach, describe, expect, it } from 'vitest';
import { sql } from 'drizzle-orm';
import { createTestDb, type TestDb } from '@/test/test-db';
import { rowsOf } from '@/db/rows';
import type { AgentClient } from '@/lib/agent-sdk/client';
import { apiAs, sleep, spawnAgent, waitFor } from '../../sim/fleet';
import { spawnServer, type ServerProc } from './spawn-server';
import { freePort } from '../../test/free-port';

/**
 * Graceful shutdown: SIGTERM in the middle of work. The process must tell its agents
 * `server:draining` and exit cleanly; the agents come back to the restarted process on their own,
 * keep the tasks they hold, and every task ends completed exactly once with nothing leaked.
 */
const TASKS = 200;
const AGENTS = 6;
// One port for the whole test: the agents reconnect to the same URL after the restart.
const PORT = String(await freePort());

let t: TestDb | undefined;
let server: ServerProc | undefined;
const fleet: AgentClient[] = [];

afterEach(async () => {
  fleet.splice(0).forEach((c) => c.stop());
  await server?.stop();
  await t?.drop();
  server = t = undefined;
});

describe.skipIf(!process.env.DATABASE_URL)('SIGTERM drains', () => {
  it(`a SIGTERM during ${TASKS} tasks: agents told to drain, rejoin the restarted process, every task completed once`, {
    timeout: 120_000,
  }, async () => {
    t = await createTestDb({ adminPassword: 'sigterm-admin-pw-1' });
    const env = { DATABASE_URL: t.url!, PORT };
    server = await spawnServer(env);
    const api = await apiAs(server.url, 'admin', 'sigterm-admin-pw-1');
    let drained = 0;
    let finishedRuns = 0;
    for (let i = 0; i < AGENTS; i++) {
      const c = await spawnAgent(
        server.url,
        api,
        { departmentId: 'engineering', specialization: 'backend', maxConcurrentTasks: 3 },
        async () => {
          // Long enough that a SIGTERM lands while tasks are in hand.
          await sleep(300 + Math.random() * 400);
          finishedRuns++;
          return { ok: true };
        },
      );
      c.socket.on('server:draining', () => drained++);
      fleet.push(c);
    }
    for (let i = 0; i < TASKS; i += 20) {
      const batch = await Promise.all(
        Array.from({ length: 20 }, (_, j) =>
          api.call('POST', '/api/v1/tasks', {
            title: `drain ${i + j}`,
            departmentId: 'engineering',
            type: 'drain',
            requirements: (i + j) % 2 ? { resources: { compute: 1 } } : undefined,
          }),
        ),
      );
      expect(batch.every((r) => r.status === 201)).toBe(true);
    }

    const one = async <T>(q: ReturnType<typeof sql>) => rowsOf<T>(await t!.db.execute(q))[0];
    const completed = async () =>
      (await one<{ n: number }>(sql`select count(*)::int as n from tasks where type = 'drain' and status = 'completed'`)).n;
    await waitFor(async () => (await completed()) >= 20, 30_000, 50);
    const held = await one<{ n: number }>(
      sql`select count(*)::int as n from tasks where type = 'drain' and status in ('assigned', 'running')`,
    );

    const started = Date.now();
    await server.stop('SIGTERM');
    expect(server.proc.exitCode).toBe(0);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(drained).toBe(AGENTS);
    const atStop = await completed();
    expect(atStop).toBeLessThan(TASKS);

    server = await spawnServer(env);
    // Nobody reconnects them by hand: the SDK does it after `server:draining`.
    await waitFor(() => fleet.every((c) => c.socket.connected), 20_000, 100);
    await waitFor(async () => (await completed()) === TASKS, 60_000, 200);

    const counts = await one<Record<string, number>>(sql`
      select (select count(*)::int from tasks where type = 'drain') as tasks,
             (select count(*)::int from task_events e join tasks tk on tk.id = e.task_id where tk.type = 'drain' and e.type = 'completed') as completions,
             (select count(*)::int from allocations a join tasks tk on tk.id = a.task_id where a.status = 'active') as active_allocations,
             -- Kept, not re-queued: the tasks in hand at the SIGTERM went back to the agents that held them.
             (select count(*)::int from task_events e join tasks tk on tk.id = e.task_id where tk.type = 'drain' and e.type in ('requeued', 'retry-scheduled', 'failed', 'dead')) as requeued,
             (select allocated from resource_pools where department_id = 'engineering' and type = 'compute') as pool`);
    expect(counts).toEqual({ tasks: TASKS, completions: TASKS, active_allocations: 0, requeued: 0, pool: 0 });
    console.log(
      `sigterm: ${held.n} tasks in hand at SIGTERM, ${atStop} completed before it, all ${TASKS} completed once after the restart; ${finishedRuns} handler runs`,
    );
  });
});
