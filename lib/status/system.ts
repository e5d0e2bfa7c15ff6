import type { Db } from '@/db/client';
import { listDepartmentRows } from '@/db/queries/departments';
import { agentCountsByDepartment, poolTotalsByDepartment, taskCountsByDepartment } from '@/db/queries/status';
import { authorize, departmentFilter, type Principal } from '../auth/rbac';

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
  generatedAt: string;
};

/** The design's getSystemStatus: what the caller may see, summed per department and overall. */
export async function getSystemStatus(db: Db, principal: Principal): Promise<SystemStatus> {
  authorize(principal, 'department:read');
  const ids = departmentFilter(principal);
  const [depts, agentRows, taskRows, pools] = await Promise.all([
    listDepartmentRows(db, ids),
    agentCountsByDepartment(db, ids),
    taskCountsByDepartment(db, ids),
    poolTotalsByDepartment(db, ids),
  ]);
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
    generatedAt: new Date().toISOString(),
  };
}
