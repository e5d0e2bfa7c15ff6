import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { getAgent, getAgentStatus } from '@/lib/agents/service';
import { hasPermission } from '@/lib/permissions/rbac';
import { AppError } from '@/lib/errors';
import { requirePrincipal } from '@/app/_lib/session';
import { ActionButton } from '@/components/action-button';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { LiveRefresh } from '@/components/live-refresh';
import { StatTile } from '@/components/stat-tile';
import { retireAgentAction, setDrainingAction } from '../actions';
import { percent } from '@/components/format';
import { Time } from '@/components/time';
import { CopyButton } from '@/components/copy-button';
import { DepartmentRef } from '@/components/entity-refs';
import { resolveNames } from '@/lib/org/names';

export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const principal = await requirePrincipal();
  const db = getDb();
  const [agent, status] = await Promise.all([getAgent(db, principal, id), getAgentStatus(db, principal, id)]).catch((err) => {
    if (err instanceof AppError && (err.status === 404 || err.status === 400)) notFound();
    throw err;
  });
  const names = await resolveNames(db, { departments: [agent.departmentId] });
  const m = status.metrics;
  const canManage = hasPermission(principal, 'agent:update') && agent.status !== 'retired';
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{agent.name}</h1>
        <Badge value={agent.status} />
        <span className="text-sm text-slate-500 dark:text-slate-400">{agent.connected ? 'connected' : 'not connected'}</span>
        <LiveRefresh events={['agent:update', 'task:update']} />
      </div>
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className="text-slate-500 dark:text-slate-400">Agent id</span>
        <code className="font-mono text-xs">{agent.id}</code>
        <CopyButton value={agent.id} label="Copy agent id" text="Copy" />
      </p>
      <p className="text-sm text-slate-600 dark:text-slate-400">
        <DepartmentRef id={agent.departmentId} names={names} /> · {agent.type} · {agent.specialization} · weight {agent.weight} · up to{' '}
        {agent.maxConcurrentTasks} tasks at once
      </p>
      {canManage && (
        <div className="flex flex-wrap gap-3">
          <ActionButton
            label={agent.status === 'draining' ? 'Resume' : 'Drain'}
            action={setDrainingAction}
            fields={{ id, draining: agent.status === 'draining' ? 'off' : 'on' }}
          />
          <ActionButton
            label="Retire"
            confirm="Retire this agent? Its tasks return to the queue."
            action={retireAgentAction}
            fields={{ id }}
          />
        </div>
      )}
      <section className="grid grid-cols-2 gap-4 lg:grid-cols-5">
        <StatTile label="Completed" value={m.completed} />
        <StatTile label="Failed" value={m.failed} />
        <StatTile label="Success rate" value={percent(m.successRate)} />
        <StatTile label="Mean duration" value={m.meanDurationMs === null ? '—' : `${m.meanDurationMs} ms`} />
        <StatTile label="p95 duration" value={m.p95DurationMs === null ? '—' : `${m.p95DurationMs} ms`} />
      </section>
      <section className="card overflow-x-auto">
        <h2 className="mb-2 font-semibold">Current tasks</h2>
        {status.currentTasks.length === 0 ? (
          <p className="text-sm text-slate-500 dark:text-slate-400">None right now.</p>
        ) : (
          <DataTable
            rows={status.currentTasks}
            rowKey={(t) => t.id}
            columns={[
              { header: 'Task', href: (t) => `/tasks/${t.id}`, cell: (t) => t.title },
              { header: 'Priority', cell: (t) => <Badge value={t.priority} /> },
              { header: 'Status', cell: (t) => <Badge value={t.status} /> },
              { header: 'Progress', numeric: true, cell: (t) => `${Math.round(t.progress * 100)}%` },
              { header: 'Lease until', numeric: true, cell: (t) => <Time value={t.leaseExpiresAt} /> },
            ]}
          />
        )}
      </section>
      <section className="card">
        <h2 className="mb-2 font-semibold">Capabilities</h2>
        <pre className="overflow-x-auto text-xs">{JSON.stringify(agent.capabilities, null, 2)}</pre>
        <h2 className="mb-2 mt-4 font-semibold">Standing resources</h2>
        <pre className="overflow-x-auto text-xs">{JSON.stringify(agent.resources, null, 2)}</pre>
      </section>
    </div>
  );
}
