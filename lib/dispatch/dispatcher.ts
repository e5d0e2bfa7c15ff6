import type { Db } from '@/db/client';
import { findDepartmentCached } from '@/db/queries/departments';
import { readyTasks, type TaskRow } from '@/db/queries/tasks';
import { assignedAmong } from '@/db/queries/assignments';
import { agentSlotsOf } from '@/db/queries/agent-slots';
import { presence } from '../presence/presence';
import { emitDomain, publishLive } from '../live';
import { recordAssignment } from '../metrics/record';
import { agentFits } from './fit';
import { assignTask } from './assign';
import { assignBatch, type BatchOutcome, type PlannedHandOut } from './assign-batch';
import { preemptLowerPriority } from '../allocations/allocations';
import { raiseShortage } from '../resources/alerts';
import { strategyState, type Cursor, type Strategy } from './strategies';

async function strategyOf(db: Db, departmentId: string): Promise<Strategy> {
  const dept = await findDepartmentCached(db, departmentId);
  return (dept?.loadBalancingStrategy ?? 'round-robin') as Strategy;
}

type Dispatchable = Pick<TaskRow, 'id' | 'departmentId' | 'requirements' | 'priority' | 'timeoutMs' | 'targetAgentId'>;

/**
 * Offers one pending task to the connected agents that fit it, best first by the department's
 * strategy. Returns the agent that took it, or null (it stays pending for the next free agent).
 */
export async function dispatchTask(db: Db, task: Dispatchable): Promise<string | null> {
  const outcome = await tryDispatch(db, task);
  return outcome.agentId ?? null;
}

type DispatchOutcome = { agentId?: string; short?: boolean };

async function tryDispatch(db: Db, task: Dispatchable): Promise<DispatchOutcome> {
  const fitting = presence()
    .available(task.departmentId)
    .filter((a) => agentFits(a, task.requirements, task.targetAgentId));
  if (!fitting.length) return {};
  const state = strategyState();
  const ranked = state.rank(await strategyOf(db, task.departmentId), task.departmentId, fitting, task.requirements);
  let preempted = false;
  for (let i = 0; i < ranked.length; i++) {
    const agent = ranked[i];
    // Concurrent creates rank from the same memory: book the slot before the round trip so they
    // spread over free agents instead of all racing for one, and give it back if it fell through.
    if (agent.activeTasks >= agent.maxConcurrentTasks) continue;
    agent.activeTasks++;
    const outcome = await assignTask(db, task, agent.id).catch(async (err) => {
      await deliverCommitted(db, [{ task, agentId: agent.id }]).catch(() => undefined);
      throw err;
    });
    if (outcome.ok) {
      state.picked(task.departmentId, agent.id);
      delivered(outcome.task);
      return { agentId: agent.id };
    }
    agent.activeTasks = Math.max(0, agent.activeTasks - 1);
    if (outcome.reason === 'taken') return {};
    if (outcome.reason === 'no-resources') {
      raiseShortage(db, task.departmentId, outcome.shortfall ?? {}, false).catch(() => {});
      // Critical and high work may take resources from lower-priority holders, once, then retry.
      if (!preempted && (task.priority === 'critical' || task.priority === 'high')) {
        preempted = true;
        if (await preemptLowerPriority(db, task.departmentId, outcome.shortfall ?? {}, task.priority)) {
          i--;
          continue;
        }
      }
      return { short: true };
    }
    // agent-full: our in-memory copy was stale. Re-read rather than guess: a guess can race with
    // a completion and leave an idle agent looking full, with no event left to correct it.
    await syncPresence(db, [agent.id]);
  }
  return {};
}

/**
 * A fitting agent with a free slot for a task about to be created, its slot booked in memory, so
 * the create statement hands the task out too (one statement instead of two). None when this
 * process knows of work waiting in the department (a new task must not jump the queue; work queued
 * by another process is found by the 1 s sweep, so there a new task may start first) or the task
 * needs resources (grants may fall short and preempt: assignTask does that).
 */
export async function bookForNew(db: Db, task: Dispatchable): Promise<string | undefined> {
  if (queued.has(task.departmentId) || running.has(task.departmentId)) return undefined;
  if (Object.keys(task.requirements.resources ?? {}).length) return undefined;
  return planAgent(await strategyOf(db, task.departmentId), task);
}

/**
 * New tasks another process could not place (no free agent of theirs): handed out here in one
 * statement, as a create books its agent, when this process knows of no work waiting in the
 * department; otherwise, or for what doesn't fit its free agents, a fill pass takes the queue in order.
 */
export async function offerFromPeer(db: Db, departmentId: string, offered: Dispatchable[]): Promise<void> {
  const direct = offered.filter((t) => t.departmentId === departmentId && !Object.keys(t.requirements.resources ?? {}).length);
  if (queued.has(departmentId) || running.has(departmentId) || direct.length < offered.length || !direct.length) {
    await dispatchDepartment(db, departmentId);
    return;
  }
  const strategy = await strategyOf(db, departmentId);
  const before = strategyState().cursorOf(departmentId);
  const plan: PlannedHandOut[] = [];
  for (const task of direct) {
    const agentId = planAgent(strategy, task);
    if (agentId) plan.push({ task, agentId });
  }
  // No free agent here: the pass marks the department queued (no query with no free slot).
  if (!plan.length) return void (await dispatchDepartment(db, departmentId));
  const planned = strategyState().cursorOf(departmentId);
  const landed = await handOut(db, plan);
  strategyState().settle(departmentId, landed.at(-1)?.task.assignedAgentId ?? undefined, before, planned);
  // Left over (agents full, or taken elsewhere first): the queue is the truth from here on.
  if (landed.length < direct.length) await dispatchDepartment(db, departmentId);
}

/**
 * After the create statement: tells the booked agent of its task, or, when the slot turned out
 * taken (memory was stale), re-reads the agent and offers the task as any other pending one.
 */
export async function settleNew(db: Db, row: TaskRow, booked: string | undefined): Promise<string | null> {
  if (booked && row.assignedAgentId === booked) {
    delivered(row);
    return booked;
  }
  if (booked) await syncPresence(db, [booked]);
  return dispatchTask(db, row);
}

/** The create statement failed after a booking: it may have committed with its answer lost. */
export async function settleFailedNew(db: Db, taskId: string, booked: string): Promise<void> {
  await deliverCommitted(db, [{ task: { id: taskId, timeoutMs: null }, agentId: booked }]);
}

/** After a failed hand-out: delivers the planned tasks that did get assigned to their planned agent. */
async function deliverCommitted(db: Db, plan: PlannedHandOut[]): Promise<void> {
  const planned = new Map(plan.map((p) => [p.task.id, p.agentId]));
  const rows = await assignedAmong(db, [...planned.keys()]);
  for (const row of rows) if (row.assignedAgentId === planned.get(row.id)) delivered(row);
  await syncPresence(db, [...new Set(planned.values())]);
}

/** Reloads slot counts and states of connected agents from Postgres, the source of truth. */
export async function syncPresence(db: Db, ids: string[]): Promise<void> {
  if (!ids.length) return;
  const rows = await agentSlotsOf(db, ids);
  for (const r of rows) {
    const p = presence().get(r.id);
    if (!p) continue;
    p.activeTasks = r.active_tasks;
    p.maxConcurrentTasks = r.max_concurrent_tasks;
    p.draining = r.status === 'draining';
  }
}

/**
 * Fills free agents of a department from the head of its queue. Returns tasks handed out.
 * Tasks that need no resources are matched in memory and handed out in one statement per pass;
 * tasks that need resources go one by one (grants may fall short and preempt), in queue order.
 */
async function fillDepartment(db: Db, departmentId: string): Promise<number> {
  let handed = 0;
  for (let round = 0; round < 50; round++) {
    const slots = presence()
      .available(departmentId)
      .reduce((s, a) => s + (a.maxConcurrentTasks - a.activeTasks), 0);
    if (slots === 0) break;
    const want = Math.min(200, slots * 2);
    queued.delete(departmentId);
    const queue = await readyTasks(db, departmentId, want);
    const strategy = await strategyOf(db, departmentId);
    let progressed = 0;
    let plan: PlannedHandOut[] = [];
    const state = strategyState();
    let before: Cursor = state.cursorOf(departmentId);
    const flush = async () => {
      if (plan.length) {
        const planned = state.cursorOf(departmentId);
        const landed = await handOut(db, plan);
        progressed += landed.length;
        // Round-robin moves past what was handed out, not past planned picks that fell through.
        state.settle(departmentId, landed.at(-1)?.task.assignedAgentId ?? undefined, before, planned);
      }
      plan = [];
    };
    // Once a task waits for a kind of resource, lower-priority tasks needing that kind wait too:
    // otherwise units freed mid-pass would go to them first (priority inversion).
    const blocked = new Set<string>();
    for (const task of queue) {
      const kinds = Object.keys(task.requirements.resources ?? {});
      if (!kinds.length) {
        if (!plan.length) before = state.cursorOf(departmentId);
        const agent = planAgent(strategy, task);
        if (agent) plan.push({ task, agentId: agent });
        continue;
      }
      if (kinds.some((k) => blocked.has(k))) continue;
      await flush();
      const outcome = await tryDispatch(db, task);
      if (outcome.agentId) progressed++;
      else if (outcome.short) kinds.forEach((k) => blocked.add(k));
    }
    await flush();
    handed += progressed;
    if (progressed < queue.length || queue.length === want) queued.add(departmentId);
    if (progressed === 0 || queue.length < want) break;
  }
  return handed;
}

/** Picks the best fitting agent with a free slot and books the slot in memory until the batch lands. */
function planAgent(strategy: Strategy, task: Dispatchable): string | undefined {
  const fitting = presence()
    .available(task.departmentId)
    .filter((a) => agentFits(a, task.requirements, task.targetAgentId));
  if (!fitting.length) return undefined;
  const state = strategyState();
  const best = state.best(strategy, task.departmentId, fitting, task.requirements)!;
  state.picked(task.departmentId, best.id);
  best.activeTasks++;
  return best.id;
}

/** Runs a planned batch; answers what landed, in plan order. */
async function handOut(db: Db, plan: PlannedHandOut[]): Promise<BatchOutcome['assigned']> {
  const { assigned } = await assignBatch(db, plan).catch(async (err) => {
    // The statement may have committed with its answer lost (a connection cut after the commit):
    // an agent never told of its task would hold it for good, its lease renewed by heart-beats.
    // Tell the agents of whatever is now theirs, then let the error surface as before.
    await deliverCommitted(db, plan).catch(() => undefined);
    throw err;
  });
  for (const a of assigned) delivered(a.task);
  // Agents that got fewer than planned (a task taken elsewhere, a slot gone): re-read the truth.
  const shortBy = new Map<string, number>();
  for (const p of plan) shortBy.set(p.agentId, (shortBy.get(p.agentId) ?? 0) + 1);
  for (const a of assigned) shortBy.set(a.task.assignedAgentId!, shortBy.get(a.task.assignedAgentId!)! - 1);
  await syncPresence(
    db,
    [...shortBy].filter(([, n]) => n > 0).map(([id]) => id),
  );
  const order = new Map(plan.map((p, i) => [p.task.id, i]));
  return assigned.sort((x, y) => order.get(x.task.id)! - order.get(y.task.id)!);
}

const running = new Map<string, { again: boolean; done: Promise<number> }>();

/**
 * Departments whose queue may hold ready tasks this process could not place: a fill pass clears
 * the mark before it reads the queue and sets it again when it leaves tasks behind; every other
 * trigger (new or requeued task, agent connected, the sweep finding ready work) sets it.
 */
const queued = new Set<string>();

/**
 * Single-flight per department: a burst of "agent free" signals runs one fill, plus one more
 * pass if anything arrived while it ran, instead of one query per signal. With `onlyIfQueued`
 * (an agent freed a slot) it does nothing unless work may be waiting: a completion with an empty
 * queue costs no query. Work that turns ready without a signal (a retry's backoff ending, a
 * dependency completing, a task created by another process) is found by the 1 s sweep.
 */
export function dispatchDepartment(db: Db, departmentId: string, opts: { onlyIfQueued?: boolean } = {}): Promise<number> {
  const current = running.get(departmentId);
  // While a pass runs, its own leftovers aren't marked yet: one more pass settles them.
  if (opts.onlyIfQueued && !queued.has(departmentId) && !current) return Promise.resolve(0);
  if (!opts.onlyIfQueued) queued.add(departmentId);
  if (current) {
    current.again = true;
    return current.done;
  }
  const slot = { again: false, done: Promise.resolve(0) };
  slot.done = (async () => {
    let total = 0;
    try {
      do {
        slot.again = false;
        total += await fillDepartment(db, departmentId);
      } while (slot.again);
    } finally {
      running.delete(departmentId);
    }
    return total;
  })();
  running.set(departmentId, slot);
  return slot.done;
}

/**
 * Tells the agent. Its slot was counted in memory when the hand-out was booked: as deltas, not
 * from the statement's answer, because answers arrive in any order (see afterFree).
 */
function delivered(task: TaskRow): void {
  emitDomain('task:assigned', { taskId: task.id, agentId: task.assignedAgentId!, task });
  publishLive({
    type: 'task:update',
    scope: task.departmentId,
    data: { id: task.id, status: task.status, assignedAgentId: task.assignedAgentId },
  });
  // Latency from the moment the task could run (created, or its retry backoff ended) to the agent notified.
  const now = Date.now();
  const readyAt = Math.max(task.createdAt.getTime(), task.availableAt.getTime());
  recordAssignment(task.departmentId, Math.max(0, now - readyAt), Math.max(0, now - task.createdAt.getTime()), now);
}
