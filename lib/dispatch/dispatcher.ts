import type { Db } from '@/db/client';
import { findDepartment } from '@/db/queries/departments';
import { readyTasks, type TaskRow } from '@/db/queries/tasks';
import { presence } from '../agents/presence';
import { emitDomain, publishLive } from '../live';
import { recordAssignment } from '../metrics/record';
import { agentFits } from './fit';
import { assignTask } from './assign';
import { strategyState, type Strategy } from './strategies';

/** Department strategies change rarely; a short cache keeps a query off every hand-out. */
const strategyCache = new Map<string, { strategy: Strategy; at: number }>();
async function strategyOf(db: Db, departmentId: string): Promise<Strategy> {
  const hit = strategyCache.get(departmentId);
  if (hit && Date.now() - hit.at < 5_000) return hit.strategy;
  const dept = await findDepartment(db, departmentId);
  const strategy = (dept?.loadBalancingStrategy ?? 'round-robin') as Strategy;
  strategyCache.set(departmentId, { strategy, at: Date.now() });
  return strategy;
}

type Dispatchable = Pick<TaskRow, 'id' | 'departmentId' | 'requirements' | 'priority' | 'timeoutMs' | 'targetAgentId'>;

/**
 * Offers one pending task to the connected agents that fit it, best first by the department's
 * strategy. Returns the agent that took it, or null (it stays pending for the next free agent).
 */
export async function dispatchTask(db: Db, task: Dispatchable): Promise<string | null> {
  const fitting = presence()
    .available(task.departmentId)
    .filter((a) => agentFits(a, task.requirements, task.targetAgentId));
  if (!fitting.length) return null;
  const state = strategyState();
  const ranked = state.rank(await strategyOf(db, task.departmentId), task.departmentId, fitting, task.requirements);
  for (const agent of ranked) {
    const outcome = await assignTask(db, task, agent.id);
    if (outcome.ok) {
      state.picked(task.departmentId, agent.id);
      delivered(outcome.task, outcome.agentActive);
      return agent.id;
    }
    if (outcome.reason === 'taken' || outcome.reason === 'no-resources') return null;
    // agent-full: another hand-out filled it meanwhile; our copy is stale.
    const p = presence().get(agent.id);
    if (p) p.activeTasks = p.maxConcurrentTasks;
  }
  return null;
}

/** Fills free agents of a department from the head of its queue. Returns tasks handed out. */
async function fillDepartment(db: Db, departmentId: string): Promise<number> {
  let handed = 0;
  for (let round = 0; round < 50; round++) {
    const slots = presence()
      .available(departmentId)
      .reduce((s, a) => s + (a.maxConcurrentTasks - a.activeTasks), 0);
    if (slots === 0) break;
    const want = Math.min(200, slots * 2);
    const queue = await readyTasks(db, departmentId, want);
    let progressed = 0;
    for (const task of queue) if (await dispatchTask(db, task)) progressed++;
    handed += progressed;
    if (progressed === 0 || queue.length < want) break;
  }
  return handed;
}

const running = new Map<string, { again: boolean; done: Promise<number> }>();

/**
 * Single-flight per department: a burst of "agent free" signals runs one fill, plus one more
 * pass if anything arrived while it ran, instead of one query per signal.
 */
export function dispatchDepartment(db: Db, departmentId: string): Promise<number> {
  const current = running.get(departmentId);
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

function delivered(task: TaskRow, agentActive: number): void {
  const p = presence().get(task.assignedAgentId!);
  if (p) p.activeTasks = agentActive;
  emitDomain('task:assigned', { taskId: task.id, agentId: task.assignedAgentId!, task });
  publishLive({ type: 'task:update', scope: task.departmentId, data: { id: task.id, status: task.status, assignedAgentId: task.assignedAgentId } });
  // Latency from the moment the task could run (created, or its retry backoff ended) to the agent notified.
  const now = Date.now();
  const readyAt = Math.max(task.createdAt.getTime(), task.availableAt.getTime());
  recordAssignment(task.departmentId, Math.max(0, now - readyAt), Math.max(0, now - task.createdAt.getTime()), now);
}
