import type { Db } from '@/db/client';
import { markAgentLost, markAgentOnline, reviveAgent } from '@/db/queries/agent-presence';
import { presence } from '../presence/presence';
import { performanceScore } from '../dispatch/strategies';
import { requeueTask, tasksHeldBy } from '../lifecycle/lifecycle';
import { renewLeases } from './lease-renewals';
import { publishLive } from '../live';

const LEASE_RENEW_EVERY_MS = 20_000;

/** A connection arrived: the agent is present here, and Postgres hears it came online. */
export async function agentOnline(db: Db, agentId: string, opts: { polling?: boolean } = {}) {
  const row = await markAgentOnline(db, agentId);
  if (!row || row.status === 'retired') return undefined;
  const entry = presence().connect(
    {
      id: row.id,
      departmentId: row.departmentId,
      specialization: row.specialization,
      capabilities: row.capabilities,
      activeTasks: row.activeTasks,
      maxConcurrentTasks: row.maxConcurrentTasks,
      weight: row.weight,
      score: performanceScore(row.completedCount, row.failedCount),
    },
    Date.now(),
    opts,
  );
  entry.draining = row.status === 'draining';
  publishLive({
    type: 'agent:update',
    scope: row.departmentId,
    data: { id: row.id, status: row.status, connected: true, ...(opts.polling ? { connection: 'polling' } : {}) },
  });
  return row;
}

/**
 * A claim arrived: the agent is present here as a polling agent. The first claim (or the first
 * after it was lost) brings it online as a connection does; later ones are heart-beats.
 */
export async function agentPolled(db: Db, agentId: string): Promise<{ departmentId: string } | undefined> {
  const entry = presence().get(agentId);
  if (entry?.polling) {
    await agentBeat(db, agentId);
    // A loss already under way when this claim came may have marked the row offline after the
    // claim put it back: no hand-out takes an offline agent, so bring it back (writes only then).
    if (await reviveAgent(db, agentId))
      publishLive({
        type: 'agent:update',
        scope: entry.departmentId,
        data: { id: agentId, status: 'idle', connected: true, connection: 'polling' },
      });
    return entry;
  }
  const row = await agentOnline(db, agentId, { polling: true });
  return row ? { departmentId: row.departmentId } : undefined;
}

/** Heartbeats stay in memory; leases and lastHeartbeatAt are written at most every 20 s. */
export async function agentBeat(db: Db, agentId: string, load?: number) {
  const entry = presence().beat(agentId, load);
  if (!entry) return;
  const now = Date.now();
  if (now - entry.lastLeaseRenewal < LEASE_RENEW_EVERY_MS) return;
  entry.lastLeaseRenewal = now;
  await renewLeases(db, agentId, new Date(now));
}

/**
 * The agent is gone for good (grace over or heart-beats stopped): its tasks go to other agents.
 * Offline first, then the requeue: a hand-out planned while the agent was still present may be
 * committing right now, and once the row says offline no hand-out can take its slot (they all
 * require idle or busy), so reading what it holds after that misses nothing. The other order
 * left such a task assigned to a gone agent until its lease ran out.
 */
export async function agentLost(db: Db, agentId: string, reason: string) {
  presence().remove(agentId);
  const row = await markAgentLost(db, agentId);
  for (const taskId of await tasksHeldBy(db, agentId)) await requeueTask(db, taskId, reason);
  if (row) publishLive({ type: 'agent:update', scope: row.departmentId, data: { id: agentId, status: 'offline', connected: false } });
}
