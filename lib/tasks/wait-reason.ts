import type { Db } from '@/db/client';
import type { TaskRequirements } from '@/db/vocabulary';
import { unfinishedDependencies } from '@/db/queries/dependencies';
import { onlineAgentsOf } from '@/db/queries/agent-slots';
import { agentFits, normaliseCapabilities } from '../dispatch/fit';
import { freeUnitsFor } from '../resources/service';

export type WaitReason = {
  code:
    | 'backoff'
    | 'dependencies'
    | 'dependency-failed'
    | 'no-agent-online'
    | 'no-fitting-agent'
    | 'fitting-agents-busy'
    | 'resources'
    | 'next';
  detail: string;
};
export type WaitDiagnosis = { reasons: WaitReason[]; agents: { online: number; fitting: number; free: number } };

type PendingTask = {
  departmentId: string;
  requirements: TaskRequirements;
  targetAgentId: string | null;
  dependsOn: string[];
  availableAt: string;
  dependencyPolicy?: 'cancel' | 'wait';
};

/**
 * Why a pending task has not been handed out, from what the dispatcher looks at: its retry backoff,
 * its dependencies, the department's online agents (those that fit it, those with a free slot) and
 * its department's resource pools. For a task the caller was already allowed to read.
 */
export async function whyWaiting(db: Db, task: PendingTask, now = new Date()): Promise<WaitDiagnosis> {
  const reasons: WaitReason[] = [];
  const availableAt = new Date(task.availableAt);
  if (availableAt > now) reasons.push({ code: 'backoff', detail: `Retrying after a failure: not before ${availableAt.toISOString()}` });

  if (task.dependsOn.length) {
    const open = await unfinishedDependencies(db, task.dependsOn);
    // Ended without completing: only a task with dependency policy `wait` is still pending behind one.
    const failed = open.filter((d) => d.status === 'dead' || d.status === 'failed' || d.status === 'cancelled');
    if (failed.length) {
      const which = failed.map((d) => `${d.id} (${d.status})`).join(', ');
      const next =
        task.dependencyPolicy === 'wait'
          ? 'it waits (dependency policy wait): retrying it wakes this task'
          : 'this task is cancelled with it';
      reasons.push({
        code: 'dependency-failed',
        detail: `${failed.length === 1 ? 'A task' : 'Tasks'} it depends on ended without completing: ${which}; ${next}`,
      });
    }
    const running = open.length - failed.length;
    if (running)
      reasons.push({
        code: 'dependencies',
        detail: `Waits for ${running} of the ${task.dependsOn.length} tasks it depends on to complete`,
      });
  }

  const req = task.requirements ?? {};
  const online = await onlineAgentsOf(db, task.departmentId);
  const fitting = online.filter((a) => agentFits({ ...a, capabilities: normaliseCapabilities(a.capabilities) }, req, task.targetAgentId));
  const free = fitting.filter((a) => a.activeTasks < a.maxConcurrentTasks);
  if (!online.length) reasons.push({ code: 'no-agent-online', detail: `No agent of ${task.departmentId} is online` });
  else if (!fitting.length)
    reasons.push({
      code: 'no-fitting-agent',
      detail: `None of the ${online.length} online agents of ${task.departmentId} fits: ${wanted(req, task.targetAgentId)}`,
    });
  else if (!free.length)
    reasons.push({
      code: 'fitting-agents-busy',
      detail: `All ${fitting.length} agents that fit are at their task limit; it goes to the first to free a slot`,
    });

  if (req.resources && Object.keys(req.resources).length) {
    const short = (await freeUnitsFor(db, task.departmentId, req.resources))
      .filter((k) => k.asked > k.free)
      .map((k) => `${k.type} ${k.asked} ${k.unit ?? 'units'} asked, ${k.free} free`);
    if (short.length) reasons.push({ code: 'resources', detail: `Short of resources: ${short.join('; ')}` });
  }

  if (!reasons.length)
    reasons.push({
      code: 'next',
      detail: `${free.length} agent${free.length === 1 ? '' : 's'} that fit have a free slot: it is handed out on the dispatcher's next pass`,
    });
  return { reasons, agents: { online: online.length, fitting: fitting.length, free: free.length } };
}

function wanted(req: TaskRequirements, targetAgentId: string | null): string {
  const parts: string[] = [];
  if (targetAgentId) parts.push(`agent ${targetAgentId}`);
  if (req.specialization) parts.push(`specialization ${req.specialization}`);
  const caps = Object.keys(req.capabilities ?? {});
  if (caps.length) parts.push(`capabilities ${caps.join(', ')}`);
  return parts.join(', ') || 'no requirement (check the agents)';
}
