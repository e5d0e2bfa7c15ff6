import type { Db } from '@/db/client';
import { unacknowledgedTasksOf } from '@/db/queries/claims';
import { dispatchDepartment } from '../dispatch/dispatcher';
import { forbidden } from '../errors';
import { OutOfScope, type Principal } from '../permissions/rbac';
import { onDomain } from '../live';
import { toTask } from '../tasks/service';
import { agentPolled } from './connection';
import { presence } from '../presence/presence';
import type { ClaimInput } from './schemas';

/**
 * An agent that can't hold a socket pulls its work. The claim makes it present here as a polling
 * agent and runs its department's dispatch pass: the very matching, priority order, resource
 * grants and lease a socket agent gets, through the same hand-out statement (FOR UPDATE SKIP
 * LOCKED, so two agents never get one task). The answer is what was handed to this agent and not
 * yet acknowledged; with waitMs it waits until something is, or the time is up.
 */
export async function claimTasks(db: Db, principal: Principal, agentId: string, input: ClaimInput) {
  if (principal.kind !== 'agent') throw forbidden('Only an agent claims tasks, with its own agent token');
  if (principal.id !== agentId) throw new OutOfScope('Agent');
  const here = await agentPolled(db, agentId);
  if (!here) throw new OutOfScope('Agent');
  const entry = presence().get(agentId);
  // While the claim waits the agent is waiting on us: the heart-beat watcher must not call it silent.
  if (entry) entry.waitingPolls++;
  let wake = () => {};
  const handedOut = new Promise<void>((resolve) => (wake = resolve));
  // Listening before the pass, so a hand-out between the pass and the read below isn't missed.
  const stop = onDomain('task:assigned', (e) => {
    if (e.agentId === agentId) wake();
  });
  let timer: NodeJS.Timeout | undefined;
  try {
    await dispatchDepartment(db, here.departmentId);
    let rows = await unacknowledgedTasksOf(db, agentId, input.max);
    if (!rows.length && input.waitMs > 0) {
      await Promise.race([handedOut, new Promise<void>((resolve) => (timer = setTimeout(resolve, input.waitMs)))]);
      rows = await unacknowledgedTasksOf(db, agentId, input.max);
    }
    return { tasks: rows.map(toTask) };
  } finally {
    clearTimeout(timer);
    stop();
    if (entry) {
      entry.waitingPolls = Math.max(0, entry.waitingPolls - 1);
      entry.lastBeat = Date.now();
    }
  }
}
