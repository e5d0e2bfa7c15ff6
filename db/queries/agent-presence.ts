import type { Db } from '../client';
import { runText } from '../raw';
import { mapRow } from '../rows';
import { agents } from '../schema/work';
import type { AgentRow } from './agents';
import { bodySql, subscribersWhere } from './webhook-outbox';

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

/**
 * A connection arrived: an offline agent becomes idle or busy (agent.online queued), any other
 * keeps its status; its beat is recorded. Answers the row as changed (a retired one unchanged).
 */
export async function markAgentOnline(db: Db, agentId: string): Promise<AgentRow | undefined> {
  const [raw] = await runText(db, AGENT_ONLINE, [agentId]);
  return raw ? mapRow(agents, raw) : undefined;
}

/** An agent marked offline while it was still claiming comes back (agent.online queued); whether it was offline. */
export async function reviveAgent(db: Db, agentId: string): Promise<boolean> {
  const [revived] = await runText(db, AGENT_REVIVED, [agentId]);
  return !!revived;
}

/** The agent is gone: offline (agent.offline queued if it was online). Undefined for an unknown or retired agent. */
export async function markAgentLost(db: Db, agentId: string): Promise<{ departmentId: string } | undefined> {
  const [row] = await runText<{ departmentId: string }>(db, AGENT_LOST, [agentId]);
  return row;
}
