import { getDb } from '@/db/client';
import { requirePrincipal } from '@/app/_lib/session';
import { canOpenSection } from '@/lib/permissions/console-pages';
import { runtimeState } from '@/lib/health';
import { listClusterProcesses, type ProcessView } from '@/lib/cluster/processes';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { LiveRefresh } from '@/components/live-refresh';
import { StatTile } from '@/components/stat-tile';
import { duration } from '@/lib/format/duration';

const mib = (bytes: number) => `${Math.round(bytes / 2 ** 20)} MiB`;

export default async function ClusterPage() {
  const principal = await requirePrincipal();
  if (!canOpenSection(principal, '/cluster')) {
    return (
      <EmptyState title="Not available">
        The cluster view covers every department; it is shown to organisation-wide roles with metrics:read only.
      </EmptyState>
    );
  }
  const processes = await listClusterProcesses(getDb(), principal);
  // Every once-per-cluster job this process knows, with the process that says it runs it.
  const jobs = (runtimeState().jobs?.() ?? [])
    .filter((j) => j.scope === 'once-per-cluster')
    .map((j) => ({ name: j.name, leader: processes.find((p) => p.leads.includes(j.name)) }));
  const sum = (k: 'agentsConnected' | 'consolesConnected') => processes.reduce((a, p) => a + p[k], 0);
  const worstLoop = Math.max(0, ...processes.map((p) => p.eventLoopDelayP99Ms ?? 0));
  return (
    <div className="space-y-6">
      <LiveRefresh events={['metrics']} />
      <h1 className="text-2xl font-semibold">Cluster</h1>
      <div className="grid grid-cols-2 gap-3 md:grid-cols-4">
        <StatTile label="Server processes" value={processes.length} hint="seen in the last three beats" testId="cluster-processes" />
        <StatTile label="Agents connected" value={sum('agentsConnected')} hint="sockets, all processes" testId="cluster-agents" />
        <StatTile label="Console tabs" value={sum('consolesConnected')} hint="sockets, all processes" />
        <StatTile label="Event-loop delay p99" value={`${worstLoop.toFixed(1)} ms`} hint="worst process, last beat" />
      </div>
      <section className="card overflow-x-auto">
        <h2 className="mb-3 font-semibold">Processes</h2>
        <DataTable<ProcessView>
          rows={processes}
          rowKey={(p) => p.id}
          testId="cluster-table"
          columns={[
            {
              header: 'Process',
              strong: true,
              cell: (p) => (
                <span title={p.id}>
                  {p.host} · pid {p.pid} {p.self && <Badge value="this one" />}
                </span>
              ),
            },
            { header: 'Version', cell: (p) => p.version },
            { header: 'Uptime', numeric: true, cell: (p) => duration(p.uptimeSeconds * 1000) },
            { header: 'Last beat', numeric: true, cell: (p) => (p.self ? 'now' : `${p.lastSeenSecondsAgo.toFixed(1)} s ago`) },
            { header: 'Agents', numeric: true, cell: (p) => p.agentsConnected },
            { header: 'Consoles', numeric: true, cell: (p) => p.consolesConnected },
            {
              header: 'Loop p99',
              numeric: true,
              cell: (p) => (p.eventLoopDelayP99Ms === null ? '—' : `${p.eventLoopDelayP99Ms.toFixed(1)} ms`),
            },
            { header: 'RSS', numeric: true, cell: (p) => mib(p.rssBytes) },
            { header: 'Heap', numeric: true, cell: (p) => mib(p.heapUsedBytes) },
            { header: 'Bus msg/s', numeric: true, cell: (p) => p.busMessagesPerSecond.toFixed(1) },
            { header: 'Leads', cell: (p) => (p.leads.length ? p.leads.join(', ') : '—') },
          ]}
        />
      </section>
      <section className="card overflow-x-auto">
        <h2 className="mb-3 font-semibold">Once-per-cluster jobs</h2>
        <DataTable
          rows={jobs}
          rowKey={(j) => j.name}
          columns={[
            { header: 'Job', strong: true, cell: (j) => j.name },
            {
              header: 'Runs on',
              cell: (j) => (j.leader ? `${j.leader.host} · pid ${j.leader.pid}` : 'no process yet (taken within seconds)'),
            },
          ]}
        />
      </section>
    </div>
  );
}
