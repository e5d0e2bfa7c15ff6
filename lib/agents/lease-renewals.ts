import type { Db } from '@/db/client';
import { retryTx } from '@/db/retry';
import { runText } from '@/db/raw';
import { DEFAULT_LEASE_MS } from '../lifecycle/lease';

/** How long a due renewal waits for others to share its statement; leases run 60 s by default. */
export const RENEW_WINDOW_MS = 250;

type Due = { at: Date; settle: { resolve: () => void; reject: (err: unknown) => void }[] };
type Queue = { due: Map<string, Due>; timer?: NodeJS.Timeout };

// Per database handle, as completion batches (lib/lifecycle/completion-batch.ts).
const queues = new WeakMap<Db, Queue>();

/**
 * Extends the leases of everything the agent holds and records its beat, together with every
 * other agent's renewal due within RENEW_WINDOW_MS: with 1,000 agents a statement and a commit a
 * quarter-second instead of 50 a second. Answers once the statement has committed.
 */
export function renewLeases(db: Db, agentId: string, at: Date, windowMs = RENEW_WINDOW_MS): Promise<void> {
  let q = queues.get(db);
  if (!q) queues.set(db, (q = { due: new Map() }));
  const queue = q;
  return new Promise((resolve, reject) => {
    const entry = queue.due.get(agentId);
    if (entry) {
      if (at > entry.at) entry.at = at;
      entry.settle.push({ resolve, reject });
    } else queue.due.set(agentId, { at, settle: [{ resolve, reject }] });
    queue.timer ??= setTimeout(() => void flush(db, queue), windowMs);
  });
}

async function flush(db: Db, q: Queue): Promise<void> {
  const due = q.due;
  q.due = new Map();
  q.timer = undefined;
  const plan = JSON.stringify([...due].map(([agentId, d]) => ({ agent_id: agentId, at: d.at.toISOString() })));
  try {
    await retryTx(() => runText(db, RECORD_BEATS, [plan, DEFAULT_LEASE_MS]));
    for (const d of due.values()) for (const s of d.settle) s.resolve();
  } catch (err) {
    for (const d of due.values()) for (const s of d.settle) s.reject(err);
  }
}

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
