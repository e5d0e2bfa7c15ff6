import type { Db } from '@/db/client';
import { listDepartmentRows } from '@/db/queries/departments';
import { agentCountsByDepartment, poolTotalsByDepartment, taskCountsByDepartment } from '@/db/queries/status';
import { listAlertRows } from '@/db/queries/alerts';
import { authorize, departmentFilter, type Principal } from '../permissions/rbac';
import { checkHealth, runtimeState, type Health, type JobStatus } from '../health';
import { alertView, type AlertView } from '../alerts/engine';
import { combineSnapshots, snapshot, type MetricsSnapshot } from './snapshot';
import { clusterParts, processView, type ProcessView } from '../cluster/processes';

export type Counts = Record<string, number>;
export type DepartmentSummary = {
  id: string;
  name: string;
  status: string;
  maxAgents: number;
  agents: Counts;
  tasks: Counts;
  resourceUtilisation: number;
};
export type SystemStatus = {
  totalAgents: number;
  agents: Counts;
  tasks: Counts;
  departments: DepartmentSummary[];
  /** Live figures from the in-memory windows (no aggregate over tasks). */
  taskMetrics: Omit<MetricsSnapshot, 'agents' | 'departmentId' | 'at'>;
  /** Totals over every task the caller may see, from the same counts as `tasks`. */
  metrics: {
    totalTasks: number;
    pendingTasks: number;
    activeTasks: number;
    completedTasks: number;
    failedTasks: number;
    deadTasks: number;
    cancelledTasks: number;
  };
  resources: { allocated: number; capacity: number; utilisation: number };
  alerts: { open: number; bySeverity: Record<string, number>; recent: AlertView[] };
  health: {
    status: Health['status'];
    database: { engine: Health['db']; reachable: boolean };
    bus: { listening: boolean; agentsConnected: number; consolesConnected: number };
    redis: Health['bus']['redis'];
  };
  /** The answering process's background jobs and which it leads; global users only. */
  jobs?: JobStatus[];
  /** Every live server process (the answering one first), what it holds and which jobs it leads; global users only. */
  processes?: ProcessView[];
  generatedAt: string;
};

/** The design's getSystemStatus: what the caller may see, summed per department and overall. */
export async function getSystemStatus(db: Db, principal: Principal): Promise<SystemStatus> {
  authorize(principal, 'department:read');
  const ids = departmentFilter(principal);
  const [depts, agentRows, taskRows, pools, openAlerts, health, parts] = await Promise.all([
    listDepartmentRows(db, ids),
    agentCountsByDepartment(db, ids),
    taskCountsByDepartment(db, ids),
    poolTotalsByDepartment(db, ids),
    listAlertRows(db, { status: 'open', departmentIds: ids, limit: 200 }),
    checkHealth(),
    clusterParts(db),
  ]);
  // Sockets are held per process: the cluster's are the sum of every live process's.
  const sockets = (k: 'agentsConnected' | 'consolesConnected') => parts.reduce((a, p) => a + p.report[k], 0);
  const agents: Counts = {};
  const tasks: Counts = {};
  const byDept = new Map<string, { agents: Counts; tasks: Counts }>();
  const slot = (id: string) => {
    let s = byDept.get(id);
    if (!s) byDept.set(id, (s = { agents: {}, tasks: {} }));
    return s;
  };
  for (const r of agentRows) {
    if (r.status === 'retired') continue;
    agents[r.status] = (agents[r.status] ?? 0) + r.n;
    slot(r.departmentId).agents[r.status] = r.n;
  }
  for (const r of taskRows) {
    tasks[r.status] = (tasks[r.status] ?? 0) + r.n;
    slot(r.departmentId).tasks[r.status] = r.n;
  }
  const util = new Map(pools.map((p) => [p.departmentId, p.capacity ? p.allocated / p.capacity : 0]));
  const capacity = pools.reduce((a, p) => a + p.capacity, 0);
  const allocated = pools.reduce((a, p) => a + p.allocated, 0);
  const live = ids
    ? combineSnapshots(
        ids.map((d) => snapshot(d)),
        null,
      )
    : snapshot(null);
  const { agents: _a, departmentId: _d, at: _t, ...taskMetrics } = live;
  const bySeverity: Record<string, number> = {};
  for (const a of openAlerts) bySeverity[a.severity] = (bySeverity[a.severity] ?? 0) + 1;
  return {
    totalAgents: Object.values(agents).reduce((a, b) => a + b, 0),
    agents,
    tasks,
    departments: depts.map((d) => ({
      id: d.id,
      name: d.name,
      status: d.status,
      maxAgents: d.maxAgents,
      agents: byDept.get(d.id)?.agents ?? {},
      tasks: byDept.get(d.id)?.tasks ?? {},
      resourceUtilisation: util.get(d.id) ?? 0,
    })),
    taskMetrics,
    metrics: {
      totalTasks: Object.values(tasks).reduce((a, b) => a + b, 0),
      pendingTasks: tasks.pending ?? 0,
      activeTasks: (tasks.assigned ?? 0) + (tasks.running ?? 0),
      completedTasks: tasks.completed ?? 0,
      failedTasks: tasks.failed ?? 0,
      deadTasks: tasks.dead ?? 0,
      cancelledTasks: tasks.cancelled ?? 0,
    },
    resources: { allocated, capacity, utilisation: capacity ? allocated / capacity : 0 },
    alerts: { open: openAlerts.length, bySeverity, recent: openAlerts.slice(0, 10).map(alertView) },
    health: {
      status: health.status,
      database: { engine: health.db, reachable: health.dbReachable },
      bus: {
        listening: health.bus.listening,
        agentsConnected: sockets('agentsConnected'),
        consolesConnected: sockets('consolesConnected'),
      },
      redis: health.bus.redis,
    },
    ...(ids === null ? { jobs: runtimeState().jobs?.() ?? [], processes: parts.map((p) => processView(p)) } : {}),
    generatedAt: new Date().toISOString(),
  };
}
