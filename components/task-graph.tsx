import dagre from '@dagrejs/dagre';
import type { GraphEdge, GraphNode, TaskGraph } from '@/lib/tasks/graph';

// Drawn on the server: the layout is computed once per page load and the browser gets plain SVG,
// each task a link. Status is written in every node, so the colours only repeat what the text says.

const NODE_W = 196;
const NODE_H = 54;
const TITLE_CHARS = 26;

/** Fill and border per status; text stays dark on light fills (and light on dark) for contrast. */
const statusTone: Record<string, string> = {
  pending: 'fill-slate-100 stroke-slate-500 dark:fill-slate-800 dark:stroke-slate-400',
  scheduled: 'fill-slate-100 stroke-slate-500 dark:fill-slate-800 dark:stroke-slate-400',
  assigned: 'fill-sky-100 stroke-sky-600 dark:fill-sky-950 dark:stroke-sky-400',
  running: 'fill-sky-100 stroke-sky-600 dark:fill-sky-950 dark:stroke-sky-400',
  completed: 'fill-emerald-100 stroke-emerald-600 dark:fill-emerald-950 dark:stroke-emerald-400',
  failed: 'fill-red-100 stroke-red-600 dark:fill-red-950 dark:stroke-red-400',
  dead: 'fill-red-100 stroke-red-700 dark:fill-red-950 dark:stroke-red-400',
  cancelled: 'fill-amber-50 stroke-amber-600 dark:fill-amber-950 dark:stroke-amber-400',
};
const hiddenTone = 'fill-white stroke-slate-400 dark:fill-slate-900 dark:stroke-slate-500';

const clip = (s: string, n: number) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

function nodeLabel(n: GraphNode, focusId?: string) {
  const self = n.id === focusId ? ' (this task)' : '';
  return n.title === null
    ? `A task in department ${n.departmentName}, outside your departments${self}`
    : `${n.title}: ${n.status}, department ${n.departmentName}${self}`;
}

type Laid = {
  nodes: (GraphNode & { x: number; y: number })[];
  edges: (GraphEdge & { points: { x: number; y: number }[] })[];
  w: number;
  h: number;
};

function layout(graph: TaskGraph): Laid {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 18, ranksep: 56, marginx: 8, marginy: 8 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) g.setNode(n.id, { width: NODE_W, height: NODE_H });
  graph.edges.forEach((e, i) => g.setEdge(e.from, e.to, {}, `${e.kind}:${i}`));
  dagre.layout(g);
  const label = g.graph();
  return {
    nodes: graph.nodes.map((n) => ({ ...n, x: g.node(n.id).x, y: g.node(n.id).y })),
    edges: graph.edges.map((e, i) => ({ ...e, points: g.edge({ v: e.from, w: e.to, name: `${e.kind}:${i}` }).points ?? [] })),
    w: Math.ceil(label.width ?? NODE_W),
    h: Math.ceil(label.height ?? NODE_H),
  };
}

const path = (pts: { x: number; y: number }[]) => pts.map((p, i) => `${i ? 'L' : 'M'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');

/**
 * Related tasks as a small directed graph: a solid arrow runs from a dependency to the task waiting
 * on it, a dashed one from a task to the collaboration request it made. `focusId` is outlined.
 */
export function TaskGraphView({ graph, title, focusId, testId }: { graph: TaskGraph; title: string; focusId?: string; testId: string }) {
  const laid = layout(graph);
  const titleId = `${testId}-title`;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const name = (id: string) => {
    const n = byId.get(id);
    return n?.title ?? `a task in ${n?.departmentName ?? 'another department'}`;
  };
  return (
    <figure data-testid={testId} data-nodes={graph.nodes.length} data-edges={graph.edges.length}>
      <div className="overflow-x-auto">
        <svg
          role="group"
          aria-labelledby={titleId}
          width={laid.w}
          height={laid.h}
          viewBox={`0 0 ${laid.w} ${laid.h}`}
          className="max-w-none text-slate-900 dark:text-slate-100"
        >
          <title id={titleId}>{title}</title>
          <defs>
            <marker
              id={`${testId}-arrow`}
              viewBox="0 0 10 10"
              refX="9"
              refY="5"
              markerWidth="7"
              markerHeight="7"
              orient="auto-start-reverse"
            >
              <path d="M0,0 L10,5 L0,10 z" className="fill-slate-500 dark:fill-slate-400" />
            </marker>
          </defs>
          {laid.edges.map((e, i) => (
            <path
              // biome-ignore lint/suspicious/noArrayIndexKey: two tasks may be linked both ways (parent and dependency)
              key={`${e.from}-${e.to}-${i}`}
              d={path(e.points)}
              fill="none"
              className="stroke-slate-500 dark:stroke-slate-400"
              strokeWidth={1.5}
              strokeDasharray={e.kind === 'collaboration' ? '5 4' : undefined}
              markerEnd={`url(#${testId}-arrow)`}
              data-kind={e.kind}
              data-from={e.from}
              data-to={e.to}
            />
          ))}
          {laid.nodes.map((n) => {
            const self = n.id === focusId;
            const box = (
              <>
                <rect
                  x={n.x - NODE_W / 2}
                  y={n.y - NODE_H / 2}
                  width={NODE_W}
                  height={NODE_H}
                  rx={6}
                  className={`${n.status ? (statusTone[n.status] ?? hiddenTone) : hiddenTone} group-focus-visible:stroke-indigo-600`}
                  strokeWidth={self ? 3 : 1.5}
                  strokeDasharray={n.title === null ? '4 3' : undefined}
                />
                <text x={n.x - NODE_W / 2 + 10} y={n.y - 6} fontSize={12} fontWeight={600} className="fill-current">
                  {n.title === null ? 'Task in another department' : clip(n.title, TITLE_CHARS)}
                </text>
                <text x={n.x - NODE_W / 2 + 10} y={n.y + 14} fontSize={11} className="fill-current">
                  {n.status === null ? n.departmentName : `${n.status} · ${clip(n.departmentName, 14)}${self ? ' · this task' : ''}`}
                </text>
              </>
            );
            return (
              <g key={n.id} data-testid="graph-node" data-task-id={n.id} data-status={n.status ?? 'hidden'}>
                {n.title === null ? (
                  <g>
                    <title>{nodeLabel(n, focusId)}</title>
                    {box}
                  </g>
                ) : (
                  <a href={`/tasks/${n.id}`} aria-label={nodeLabel(n, focusId)} className="group outline-none">
                    <title>{n.title}</title>
                    {box}
                  </a>
                )}
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="mt-2 space-y-1 text-xs text-slate-600 dark:text-slate-400">
        <p>
          Solid arrow: the task it points to waits for the other to complete (dependency). Dashed arrow: the task asked for the other
          (collaboration request).
        </p>
        {graph.more > 0 && (
          <p data-testid={`${testId}-more`}>
            Showing {graph.nodes.length} tasks, and {graph.moreAtLeast ? 'at least ' : ''}
            {graph.more} more not drawn.
          </p>
        )}
        <ul className="sr-only">
          {graph.edges.map((e, i) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: see the edge paths above
            <li key={i}>
              {e.kind === 'dependency' ? `${name(e.to)} waits for ${name(e.from)}` : `${name(e.from)} asked for ${name(e.to)}`}
            </li>
          ))}
        </ul>
      </figcaption>
    </figure>
  );
}
