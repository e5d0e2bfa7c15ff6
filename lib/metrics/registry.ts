import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { RollingWindow } from './rolling';
import { registerBusCollectors } from './bus-collector';
import { self } from '../process/identity';

const latencyBuckets = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];
const runBuckets = [0.01, 0.05, 0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];

function build() {
  const registry = new Registry();
  // Every series names its process (the id in cluster_processes and GET /api/v1/status), so
  // several processes scraped behind one job stay apart; sum by (…) without process for the cluster.
  registry.setDefaultLabels({ process: self().id });
  const reg = { registers: [registry] };
  const dept = ['department'];
  collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 20 });
  // ecs_bus_*: read from the bus's own counters at scrape time.
  registerBusCollectors(registry);
  // Filled in by the worker pool (server/workers/pool.ts) when it starts; read at scrape time.
  const workerPool: { read?: () => WorkerPoolStats } = {};
  const poolGauge = (name: string, help: string, pick: (s: WorkerPoolStats) => number) =>
    new Gauge({
      name,
      help,
      ...reg,
      collect() {
        const s = workerPool.read?.();
        this.set(s ? pick(s) : 0);
      },
    });
  return {
    registry,
    tasksCreated: new Counter({ name: 'ecs_tasks_created_total', help: 'Tasks created', labelNames: dept, ...reg }),
    tasksAssigned: new Counter({ name: 'ecs_tasks_assigned_total', help: 'Tasks handed to an agent', labelNames: dept, ...reg }),
    tasksCompleted: new Counter({ name: 'ecs_tasks_completed_total', help: 'Tasks completed', labelNames: dept, ...reg }),
    tasksFailed: new Counter({ name: 'ecs_tasks_failed_total', help: 'Task attempts that failed', labelNames: dept, ...reg }),
    tasksDead: new Counter({ name: 'ecs_tasks_dead_total', help: 'Tasks that ran out of attempts', labelNames: dept, ...reg }),
    queueWait: new Histogram({
      name: 'ecs_task_queue_wait_seconds',
      help: 'Time from ready to assigned',
      labelNames: dept,
      buckets: latencyBuckets,
      ...reg,
    }),
    runTime: new Histogram({
      name: 'ecs_task_run_seconds',
      help: 'Time from assigned to finished',
      labelNames: dept,
      buckets: runBuckets,
      ...reg,
    }),
    assignLatency: new Histogram({
      name: 'ecs_assignment_latency_seconds',
      help: 'Dispatch decision time: task ready to agent notified',
      labelNames: dept,
      buckets: latencyBuckets,
      ...reg,
    }),
    queueDepth: new Gauge({ name: 'ecs_task_queue_depth', help: 'Pending tasks', labelNames: dept, ...reg }),
    agents: new Gauge({ name: 'ecs_agents', help: 'Agents by state', labelNames: ['state', 'department'], ...reg }),
    sockets: new Gauge({ name: 'ecs_socket_connections', help: 'Open Socket.IO connections', labelNames: ['namespace'], ...reg }),
    resAllocated: new Gauge({
      name: 'ecs_resource_allocated',
      help: 'Allocated units per pool',
      labelNames: ['department', 'type'],
      ...reg,
    }),
    resCapacity: new Gauge({ name: 'ecs_resource_capacity', help: 'Capacity units per pool', labelNames: ['department', 'type'], ...reg }),
    logins: new Counter({ name: 'ecs_logins_total', help: 'Login attempts by outcome', labelNames: ['outcome'], ...reg }),
    lockouts: new Counter({ name: 'ecs_lockouts_total', help: 'Accounts locked after repeated failures', ...reg }),
    passwordChecks: new Counter({
      name: 'ecs_password_verifications_total',
      help: 'Password hashes verified (logins, unknown usernames included)',
      ...reg,
    }),
    quotaLimit: new Gauge({
      name: 'ecs_quota_limit',
      help: 'Department quota limits (tasksPerMinute, maxPendingTasks, maxMonthlyCost); departments without one are not listed',
      labelNames: ['department', 'quota'],
      ...reg,
    }),
    quotaUsed: new Gauge({
      name: 'ecs_quota_used',
      help: 'What a department uses of each quota it has: tasks created this minute, tasks waiting, monthly cost',
      labelNames: ['department', 'quota'],
      ...reg,
    }),
    alertsOpen: new Gauge({ name: 'ecs_alerts_open', help: 'Open alerts by severity', labelNames: ['severity'], ...reg }),
    workerPool,
    workerThreads: poolGauge('ecs_worker_pool_threads', 'Worker-pool threads alive', (s) => s.threads),
    workerMaxThreads: poolGauge('ecs_worker_pool_max_threads', 'Worker-pool threads it may start (WORKER_THREADS)', (s) => s.maxThreads),
    workerBusy: poolGauge('ecs_worker_pool_busy_threads', 'Worker-pool threads running a task', (s) => s.busy),
    workerQueue: poolGauge('ecs_worker_pool_queue_length', 'Tasks waiting for a worker-pool thread', (s) => s.queued),
    workerUtilization: poolGauge(
      'ecs_worker_pool_utilization',
      'Share of the pool’s capacity used since it started (0–1)',
      (s) => s.utilization,
    ),
    workerTaskTime: new Histogram({
      name: 'ecs_worker_pool_task_seconds',
      help: 'Worker-pool task time, from submission to answer',
      labelNames: ['kind'],
      buckets: latencyBuckets,
      ...reg,
    }),
    /** Rolling figures for live tiles and alert rules; key '' is the whole system. */
    windows: new Map<string, RollingWindow>(),
    /** Last known gauges (reconciled from the database every few seconds, nudged by record* helpers). */
    gauges: {
      queue: new Map<string, number>(),
      agents: new Map<string, Record<string, number>>(),
      pools: [] as { departmentId: string; type: string; capacity: number; allocated: number }[],
      refreshedAt: 0,
      /** The bus's message total at the last roll-up (undefined before the first). */
      busTotalAtRollup: undefined as number | undefined,
    },
  };
}

export type MetricsCore = ReturnType<typeof build>;
export type WorkerPoolStats = { threads: number; maxThreads: number; busy: number; queued: number; utilization: number };

/**
 * One registry per process, on globalThis: Next's bundle and the custom server load lib/ as two
 * module copies, and a second registry would both double-register and split the counts.
 */
export function metrics(): MetricsCore {
  const g = globalThis as { __ecsMetrics?: MetricsCore };
  g.__ecsMetrics ??= build();
  return g.__ecsMetrics;
}

/** The system-wide window ('') or one department's. */
export function windowOf(departmentId: string): RollingWindow {
  const m = metrics();
  let w = m.windows.get(departmentId);
  if (!w) m.windows.set(departmentId, (w = new RollingWindow()));
  return w;
}

/** Tests start from nothing. */
export function resetMetrics(): void {
  const g = globalThis as { __ecsMetrics?: MetricsCore };
  g.__ecsMetrics?.registry.clear();
  g.__ecsMetrics = undefined;
}
