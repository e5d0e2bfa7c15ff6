import type { Db } from '@/db/client';
import { crossDepartmentTasks, taskNeighbourhood, type TaskNodeRow } from '@/db/queries/task-graph';
import { authorize, inScope, OutOfScope, type Principal } from '../permissions/rbac';
import { notFound } from '../errors';
import { resolveNames, type Names } from '../org/names';

/** The most tasks a graph draws: past that it reads as a hairball, and the rest is named as a count. */
export const GRAPH_NODE_CAP = 50;
/** How many links away from the task its graph reaches. */
const MAX_HOPS = 6;

/** A task in the graph; one in a department outside the caller's scope shows only that department. */
export type GraphNode = {
  id: string;
  departmentId: string;
  /** The department's name (its id if it has been removed): known even where the task is not. */
  departmentName: string;
  /** null when the task lies outside the caller's departments. */
  title: string | null;
  status: string | null;
};
/** `dependency`: `from` must complete before `to` runs. `collaboration`: `from` asked for `to` (parent → child). */
export type GraphEdge = { from: string; to: string; kind: 'dependency' | 'collaboration' };
export type TaskGraph = {
  nodes: GraphNode[];
  edges: GraphEdge[];
  /** Related tasks found but not drawn (a lower bound when `moreAtLeast`). */
  more: number;
  moreAtLeast: boolean;
};

const nodeOf = (principal: Principal, r: TaskNodeRow, names: Names): GraphNode => {
  const dept = { departmentId: r.department_id, departmentName: names.departments[r.department_id] ?? r.department_id };
  return inScope(principal, r.department_id)
    ? { id: r.id, ...dept, title: r.title, status: r.status }
    : { id: r.id, ...dept, title: null, status: null };
};

const namesFor = (db: Db, rows: TaskNodeRow[]) => resolveNames(db, { departments: rows.map((r) => r.department_id) });

/** Edges among the drawn nodes, read from each task's parent and dependencies. */
function edgesAmong(rows: TaskNodeRow[], drawn: Set<string>, visible: (r: TaskNodeRow) => boolean): GraphEdge[] {
  const edges: GraphEdge[] = [];
  const byId = new Map(rows.map((r) => [r.id, r]));
  for (const r of rows) {
    if (!drawn.has(r.id)) continue;
    const link = (from: string, kind: GraphEdge['kind']) => {
      // Between two tasks the caller may not see, a link says more than the caller may know.
      const other = byId.get(from);
      if (drawn.has(from) && other && (visible(r) || visible(other))) edges.push({ from, to: r.id, kind });
    };
    if (r.parent_task_id) link(r.parent_task_id, 'collaboration');
    for (const d of r.depends_on ?? []) link(d, 'dependency');
  }
  return edges;
}

/**
 * The task, and the tasks linked to it by dependencies and collaboration requests, as far as
 * MAX_HOPS links and GRAPH_NODE_CAP tasks reach. The walk goes on only through tasks the caller may
 * see: one in another department is drawn (by its department alone) but not walked through.
 */
export async function getTaskGraph(db: Db, principal: Principal, taskId: string, cap = GRAPH_NODE_CAP): Promise<TaskGraph> {
  authorize(principal, 'task:read');
  if (principal.kind === 'agent') throw new OutOfScope('Task');
  const found = new Map<string, TaskNodeRow>();
  let frontier = [taskId];
  let overflow = 0;
  for (let hop = 0; hop <= MAX_HOPS && frontier.length > 0; hop++) {
    const rows = await taskNeighbourhood(db, frontier, cap * 4);
    if (hop === 0) {
      const root = rows.find((r) => r.id === taskId);
      if (!root) throw notFound('Task');
      authorize(principal, 'task:read', { departmentId: root.department_id, what: 'Task' });
    }
    const next: string[] = [];
    for (const r of rows) {
      if (found.has(r.id)) continue;
      if (found.size >= cap) {
        overflow++;
        continue;
      }
      found.set(r.id, r);
      if (inScope(principal, r.department_id)) next.push(r.id);
    }
    if (overflow > 0) break;
    frontier = next;
  }
  const rows = [...found.values()];
  const visible = (r: TaskNodeRow) => inScope(principal, r.department_id);
  const names = await namesFor(db, rows);
  return {
    nodes: rows.map((r) => nodeOf(principal, r, names)),
    edges: edgesAmong(rows, new Set(found.keys()), visible),
    more: overflow,
    moreAtLeast: overflow > 0,
  };
}

/**
 * A department's work with other departments: its tasks that asked another department for help or
 * were asked by one, and those that wait on (or hold up) another department's tasks, newest first.
 */
export async function getDepartmentTaskGraph(db: Db, principal: Principal, departmentId: string, cap = GRAPH_NODE_CAP): Promise<TaskGraph> {
  authorize(principal, 'task:read', { departmentId, what: 'Department' });
  const rows = await crossDepartmentTasks(db, departmentId, cap);
  const drawn = rows.slice(0, cap);
  const visible = (r: TaskNodeRow) => inScope(principal, r.department_id);
  const names = await namesFor(db, drawn);
  return {
    nodes: drawn.map((r) => nodeOf(principal, r, names)),
    edges: edgesAmong(drawn, new Set(drawn.map((r) => r.id)), visible),
    more: rows.length - drawn.length,
    // Each kind of link was read up to the cap: when either filled, there may be more.
    moreAtLeast: rows.length > cap,
  };
}
