import { getDb } from '@/db/client';
import { oldestActiveSuperAdmin } from '@/db/queries/users';
import { demoAgentsLeft, demoTasksLeft } from '@/db/queries/demo-fleet';
import { signToken } from '@/lib/keys/jwt';
import { principalFromUser } from '@/lib/auth/principal';
import { retireAgent } from '@/lib/agents/service';
import { cancelTask } from '@/lib/tasks/service';
import { bearerClient } from '../sim/fleet';
import { startSimulation } from '../sim/engine';

const PREFIX = 'demo-';

/**
 * `npm start`'s living system: a small simulated fleet acting through the public API as the
 * bootstrap admin. Last run's demo agents are retired first, so restarts don't pile them up, and
 * the tasks that run left open are cancelled: the new fleet's agents are drawn afresh, and a task
 * needing a specialization none of them has would wait for ever.
 */
export async function startDemoFleet(baseUrl: string, log: (m: string) => void) {
  const db = getDb();
  const admin = await oldestActiveSuperAdmin(db);
  if (!admin) return undefined;
  const system = { ...principalFromUser(admin), name: 'demo' };
  const old = await demoAgentsLeft(db, PREFIX);
  for (const a of old) await retireAgent(db, system, a.id);
  const leftovers = await demoTasksLeft(db, PREFIX);
  for (const t of leftovers)
    await cancelTask(db, system, t.id).catch((err) => log(`demo fleet: last run's task ${t.id} not cancelled: ${(err as Error).message}`));
  const token = await signToken({ sub: admin.id, typ: 'access', sv: admin.sessionVersion }, 7 * 24 * 3600);
  const sim = await startSimulation({
    url: baseUrl,
    api: bearerClient(baseUrl, token),
    agents: 24,
    tasksPerSecond: 2,
    meanTaskMs: 2500,
    namePrefix: PREFIX,
    failureRate: 0.06,
    collaborationRate: 0.08,
  });
  log(`demo fleet: ${sim.stats.agents} simulated agents working (DEMO=0 turns it off)`);
  return { stop: () => sim.stop() };
}
