import type { AgentClient, AssignedTask, TaskContext } from '@/lib/agent-sdk/client';
import { sleep, spawnAgent, type ApiClient } from './fleet';

export type SimulationOptions = {
  url: string;
  api: ApiClient;
  agents: number;
  tasksPerSecond: number;
  durationSec?: number;
  failureRate?: number;
  collaborationRate?: number;
  /** Share of tasks that need resources from their department's pools while they run (default 0.4). */
  resourceRate?: number;
  namePrefix?: string;
  meanTaskMs?: number;
  log?: (line: string) => void;
};

type Dept = {
  id: string;
  name: string;
  specializations: string[];
  capabilities: string[];
  maxAgents: number;
  archivedAt?: string | null;
  status?: string;
};
type Profile = { departmentId: string; specialization: string; capabilities: string[] };
type Pool = { departmentId: string; type: string; capacity: number };

export type SimulationStats = {
  agents: number;
  created: number;
  createFailed: number;
  completed: number;
  failed: number;
  collaborations: number;
  messages: number;
};

/** Every simulated agent hears here what the fleet finishes: topic traffic for the console's Bus page. */
export const STATUS_TOPIC = 'fleet.status';

const pick = <T>(xs: T[]) => xs[Math.floor(Math.random() * xs.length)];
const priorities = [...Array(1).fill('critical'), ...Array(4).fill('high'), ...Array(10).fill('medium'), ...Array(5).fill('low')];
const verbs = ['Review', 'Prepare', 'Analyse', 'Draft', 'Reconcile', 'Deploy', 'Summarise', 'Audit', 'Plan', 'Update'];

/** Log-normal-ish durations around the mean: most short, a few long, like real work. */
function duration(mean: number): number {
  const u = Math.random() || 1e-9;
  return Math.min(
    mean * 8,
    Math.max(20, Math.round(mean * Math.exp(0.6 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random()) - 0.18))),
  );
}

/**
 * A realistic fleet across the departments: agents with specializations and capabilities drawn
 * from their department, tasks at a steady rate with priorities, durations, failures and
 * cross-department collaborations. Returns a stop function and live stats.
 */
export async function startSimulation(
  o: SimulationOptions,
): Promise<{ stop: () => Promise<void>; stats: SimulationStats; done: Promise<void> }> {
  const log = o.log ?? (() => {});
  const stats: SimulationStats = { agents: 0, created: 0, createFailed: 0, completed: 0, failed: 0, collaborations: 0, messages: 0 };
  const depts = ((await o.api.call('GET', '/api/v1/departments')).body.items as Dept[]).filter(
    (d) => d.specializations.length && !d.archivedAt && d.status !== 'inactive',
  );
  if (!depts.length) throw new Error('No departments with specializations to simulate');
  const pools = ((await o.api.call('GET', '/api/v1/resources')).body.items as Pool[] | undefined)?.filter((p) => p.capacity > 0) ?? [];
  const totalWeight = depts.reduce((s, d) => s + d.maxAgents, 0);
  const profiles: Profile[] = [];
  const clients: AgentClient[] = [];
  const meanMs = o.meanTaskMs ?? 800;

  // Finished work is announced as real agents would: a hand-off note to the agent's department
  // (acknowledged per recipient) and a status line on the fleet's topic. A refused or failed send
  // costs the simulation nothing; what the bus accepted is counted.
  const announce = (me: AgentClient | undefined, task: AssignedTask, outcome: string) => {
    if (!me) return;
    const note = { taskId: task.id, title: task.title, outcome };
    const counted = (ack: { ok?: boolean }) => void (ack?.ok && stats.messages++);
    void me.send({ departmentId: task.departmentId }, 'task:handoff', note).then(counted, () => {});
    void me.publish(STATUS_TOPIC, { ...note, departmentId: task.departmentId }, 'task:status').then(counted, () => {});
  };

  const work = async (task: AssignedTask, ctx: TaskContext, me: () => AgentClient | undefined) => {
    await sleep(duration(meanMs) / 2);
    if (ctx.signal.aborted) return null;
    await ctx.progress(0.5).catch(() => {});
    if (Math.random() < (o.collaborationRate ?? 0.05) && !task.parentTaskId) {
      const other = pick(depts.filter((d) => d.id !== task.departmentId));
      await ctx
        .collaborate({ targetDepartmentId: other.id, request: { title: `Help with: ${task.title}`.slice(0, 300), type: 'collaboration' } })
        .then(
          () => stats.collaborations++,
          () => {},
        );
    }
    await sleep(duration(meanMs) / 2);
    if (Math.random() < (o.failureRate ?? 0.05)) {
      stats.failed++;
      announce(me(), task, 'failed');
      throw new Error(pick(['upstream timeout', 'rate limited by provider', 'invalid input data', 'dependency unavailable']));
    }
    stats.completed++;
    announce(me(), task, 'completed');
    return { ok: true, handledBy: task.departmentId };
  };

  // Allocate in small parallel batches: fast, and gentle on a 2-core machine.
  const plan = Array.from({ length: o.agents }, (_, i) => {
    let r = Math.random() * totalWeight;
    const d = depts.find((x) => (r -= x.maxAgents) <= 0) ?? depts[0];
    const caps = [...d.capabilities].sort(() => Math.random() - 0.5).slice(0, 2 + Math.floor(Math.random() * 3));
    return { i, d, spec: pick(d.specializations), caps };
  });
  for (let i = 0; i < plan.length; i += 20) {
    await Promise.all(
      plan.slice(i, i + 20).map(async ({ i: n, d, spec, caps }) => {
        try {
          let me: AgentClient | undefined;
          const c = await spawnAgent(
            o.url,
            o.api,
            {
              ...(o.namePrefix ? { name: `${o.namePrefix}${d.id}-${n}` } : {}),
              departmentId: d.id,
              specialization: spec,
              capabilities: caps,
              maxConcurrentTasks: 1 + Math.floor(Math.random() * 3),
              weight: 1 + Math.floor(Math.random() * 3),
            },
            (task, ctx) => work(task, ctx, () => me),
            { reconnect: true },
          );
          me = c;
          // Subscriptions end with a connection: taken again after every reconnect ('ready').
          const subscribe = () => void c.subscribe(STATUS_TOPIC).catch(() => {});
          c.socket.on('ready', subscribe);
          subscribe();
          clients.push(c);
          profiles.push({ departmentId: d.id, specialization: spec, capabilities: caps });
          stats.agents++;
        } catch (err) {
          log(`agent in ${d.id} not allocated: ${(err as Error).message.slice(0, 120)}`);
        }
      }),
    );
    log(`agents connected: ${stats.agents}/${o.agents}`);
  }
  if (!profiles.length) throw new Error('No agent could be allocated');

  let stopped = false;
  const started = Date.now();
  // Some work needs some of its department's resources while it runs (granted at hand-out, back
  // at completion): 5–20 % of one pool, so a small fleet moves the utilisation charts
  // without starving itself.
  const resourcesFor = (departmentId: string): Record<string, number> | undefined => {
    const mine = pools.filter((x) => x.departmentId === departmentId);
    if (!mine.length) return undefined;
    const pool = pick(mine);
    return { [pool.type]: Math.max(1, Math.round(pool.capacity * (0.05 + Math.random() * 0.15))) };
  };
  const createOne = async () => {
    const p = pick(profiles);
    const body = {
      title: `${pick(verbs)} ${p.specialization} item #${stats.created + 1}`,
      departmentId: p.departmentId,
      type: p.specialization,
      priority: pick(priorities),
      requirements: {
        specialization: Math.random() < 0.6 ? p.specialization : undefined,
        capabilities: Math.random() < 0.3 ? [pick(p.capabilities)] : undefined,
        resources: Math.random() < (o.resourceRate ?? 0.4) ? resourcesFor(p.departmentId) : undefined,
      },
      maxAttempts: 3,
      // Which fleet made it: the demo cancels what its previous run left behind.
      payload: { fleet: o.namePrefix ?? 'simulation' },
    };
    const res = await o.api.call('POST', '/api/v1/tasks', body).catch(() => ({ status: 0 }));
    if (res.status === 201) stats.created++;
    else stats.createFailed++;
  };
  const done = (async () => {
    let carry = 0;
    let lastLog = 0;
    while (!stopped && (!o.durationSec || Date.now() - started < o.durationSec * 1000)) {
      carry += o.tasksPerSecond / 10;
      const n = Math.floor(carry);
      carry -= n;
      await Promise.all(Array.from({ length: n }, createOne));
      if (Date.now() - lastLog >= 1000) {
        lastLog = Date.now();
        const secs = Math.max(1, (Date.now() - started) / 1000);
        log(
          `t=${secs.toFixed(0)}s agents=${stats.agents} created=${stats.created} completed=${stats.completed} failed=${stats.failed} collab=${stats.collaborations} messages=${stats.messages} (${(stats.completed / secs).toFixed(1)}/s)`,
        );
      }
      await sleep(100);
    }
  })();
  return {
    stats,
    done,
    stop: async () => {
      stopped = true;
      await done;
      clients.forEach((c) => c.stop());
    },
  };
}
