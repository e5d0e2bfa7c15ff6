import type { Db } from '../client';
import { runText } from '../raw';

/**
 * Written out rather than built (see db/raw.ts): $1 the beats as JSON [{agent_id, at}], $2 the
 * lease (the same for every task: a task's timeout is enforced apart). Lock order as everywhere: the agents' tasks in id order (as batched completions
 * take them), then the agents in id order (as hand-outs take them); each step waits for the one
 * before (an unreferenced data-modifying CTE would run after the main statement). It also repairs
 * a row marked offline by a lost-agent sweep that raced with a live connection.
 */
const RECORD_BEATS = `
  with beats as (
    select * from jsonb_to_recordset($1::jsonb) as b(agent_id uuid, at timestamptz)
  ), mine as (
    select t.id from tasks t where t.assigned_agent_id in (select agent_id from beats)
      and t.status in ('assigned', 'running') order by t.id for update
  ), leases as (
    update tasks set lease_expires_at = clock_timestamp() + ($2::int * interval '1 millisecond')
    where id = any((select array_agg(id) from mine)::uuid[]) and status in ('assigned', 'running')
    returning id
  ), locked as (
    select a.id from agents a where a.id in (select agent_id from beats) and (select count(*) from leases) >= 0
    order by a.id for update
  )
  update agents a set last_heartbeat_at = b.at,
    status = case when a.status = 'offline' then (case when a.active_tasks > 0 then 'busy' else 'idle' end) else a.status end
  from beats b
  where a.id = b.agent_id and a.id = any((select array_agg(id) from locked)::uuid[])`;

/**
 * One statement for many agents' beats: extends the leases of every task each holds by `leaseMs`
 * and records its beat (`at`).
 */
export async function recordBeats(db: Db, beats: { agentId: string; at: Date }[], leaseMs: number): Promise<void> {
  const plan = JSON.stringify(beats.map((b) => ({ agent_id: b.agentId, at: b.at.toISOString() })));
  await runText(db, RECORD_BEATS, [plan, leaseMs]);
}
