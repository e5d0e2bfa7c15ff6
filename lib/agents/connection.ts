import type { Db } from '@/db/client';
import { runText } from '@/db/raw';
import { mapRow } from '@/db/rows';
import { agents } from '@/db/schema/work';
import { presence } from '../presence/presence';
import { performanceScore } from '../dispatch/strategies';
import { requeueTask, tasksHeldBy } from '../lifecycle/lifecycle';
import { renewLeases } from './lease-renewals';
import { publishLive } from '../live';
import { bodySql, subscribersWhere } from '@/db/queries/outbox';

const LEASE_RENEW_EVERY_MS = 20_000;

/** A connection arrived: the agent is present here, and Postgres hears it came online. */
export async function agentOnline(db: Db, agentId: string, opts: { polling?: boolean } = {}) {
  const [raw] = await runText(db, AGENT_ONLINE, [agentId]);
  const row = raw ? mapRow(agents, raw) : undefined;
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
    const [revived] = await runText(db, AGENT_REVIVED, [agentId]);
    if (revived)
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
  const [row] = await runText<{ departmentId: string }>(db, AGENT_LOST, [agentId]);
  for (const taskId of await tasksHeldBy(db, agentId)) await requeueTask(db, taskId, reason);
  if (row) publishLive({ type: 'agent:update', scope: row.departmentId, data: { id: agentId, status: 'offline', connected: false } });
}

/*
 * The presence changes that webhooks hear (agent.online, agent.offline): each is one statement
 * that changes the row and queues the event for subscribed webhooks when, and only when, the
 * status crossed between offline and online (db/queries/outbox.ts). `prev` locks the row so
 * the status it read is the one the update replaces.
 */
const agentData = (a: string) =>
  `jsonb_build_object('id', ${a}.id, 'name', ${a}.name, 'departmentId', ${a}.department_id, 'type', ${a}.type, 'specialization', ${a}.specialization, 'status', ${a}.status)`;
const queueAgentEvent = (
  type: 'agent.online' | 'agent.offline',
  when: string,
) => `insert into webhook_deliveries (webhook_id, event_type, payload)
    select w.id, '${type}', ${bodySql(`'${type}'`, agentData('c'))}
    from changed c join webhooks w on ${subscribersWhere(`'${type}'`, 'c.department_id')} where ${when}`;

const AGENT_ONLINE = `with prev as (
    select id, status from agents where id = $1::uuid for update
  ), changed as (
    update agents a set status = case when prev.status = 'offline' then (case when a.active_tasks > 0 then 'busy' else 'idle' end) else a.status end,
      last_heartbeat_at = now()
    from prev where a.id = prev.id
    returning a.*, prev.status as prev_status
  ), hooked as (${queueAgentEvent('agent.online', "c.prev_status = 'offline' and c.status <> 'offline'")})
  select * from changed`;

const AGENT_REVIVED = `with changed as (
    update agents set status = case when active_tasks > 0 then 'busy' else 'idle' end, last_heartbeat_at = now()
    where id = $1::uuid and status = 'offline'
    returning *
  ), hooked as (${queueAgentEvent('agent.online', 'true')})
  select id from changed`;

const AGENT_LOST = `with prev as (
    select id, status from agents where id = $1::uuid and status <> 'retired' for update
  ), changed as (
    update agents a set status = 'offline' from prev where a.id = prev.id
    returning a.*, prev.status as prev_status
  ), hooked as (${queueAgentEvent('agent.offline', "c.prev_status <> 'offline'")})
  select department_id as "departmentId" from changed`;
