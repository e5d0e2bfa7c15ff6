import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { getTask } from '@/lib/tasks/service';
import { hasPermission } from '@/lib/permissions/rbac';
import { AppError } from '@/lib/errors';
import { requirePrincipal } from '@/app/_lib/session';
import { ActionButton } from '@/components/action-button';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { LiveRefresh } from '@/components/live-refresh';
import { duration } from '@/components/format';
import { cancelTaskAction, retryTaskAction } from '../actions';
import { Time } from '@/components/time';

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const principal = await requirePrincipal();
  const task = await getTask(getDb(), principal, id).catch((err) => {
    if (err instanceof AppError && err.status === 404) notFound();
    throw err;
  });
  const cancellable = ['pending', 'assigned', 'running', 'scheduled'].includes(task.status) && hasPermission(principal, 'task:cancel');
  const retriable = ['failed', 'dead', 'cancelled'].includes(task.status) && hasPermission(principal, 'task:retry');
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{task.title}</h1>
        <Badge value={task.status} />
        <Badge value={task.priority} />
        <LiveRefresh events={['task:update']} />
      </div>
      <div className="flex gap-3">
        {cancellable && <ActionButton label="Cancel" confirm="Cancel this task?" action={cancelTaskAction.bind(null, id)} />}
        {retriable && <ActionButton label="Retry" variant="primary" action={retryTaskAction.bind(null, id)} />}
      </div>
      <section className="card grid gap-2 text-sm sm:grid-cols-2">
        <p>
          <span className="text-slate-500 dark:text-slate-400">Department:</span>{' '}
          <Link className="underline" href={`/departments/${task.departmentId}`}>
            {task.departmentId}
          </Link>
        </p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">Type:</span> {task.type}
        </p>
        {task.status === 'scheduled' && (
          <p>
            <span className="text-slate-500 dark:text-slate-400">Starts:</span> <Time value={task.availableAt} />
          </p>
        )}
        {task.scheduleId && (
          <p>
            <span className="text-slate-500 dark:text-slate-400">Created by schedule:</span>{' '}
            <Link className="underline" href={`/schedules/${task.scheduleId}`}>
              {task.scheduleId.slice(0, 8)}
            </Link>
          </p>
        )}
        <p>
          <span className="text-slate-500 dark:text-slate-400">Agent:</span>{' '}
          {task.assignedAgentId ? (
            <Link className="underline" href={`/agents/${task.assignedAgentId}`}>
              {task.assignedAgentId}
            </Link>
          ) : (
            '—'
          )}
        </p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">Attempts:</span> {task.attempts} / {task.maxAttempts}
        </p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">Progress:</span> {Math.round(task.progress * 100)}%
        </p>
        {task.parentTaskId && (
          <p>
            <span className="text-slate-500 dark:text-slate-400">Parent:</span>{' '}
            <Link className="underline" href={`/tasks/${task.parentTaskId}`}>
              {task.parentTaskId}
            </Link>
          </p>
        )}
        {task.timeout !== null && (
          <p>
            <span className="text-slate-500 dark:text-slate-400">Timeout per attempt:</span> {duration(task.timeout)}
          </p>
        )}
        {task.estimatedDuration !== null && (
          <p data-testid="task-eta">
            <span className="text-slate-500 dark:text-slate-400">Estimated duration:</span> {duration(task.estimatedDuration)}
            {task.eta && (
              <>
                {' · '}
                {task.eta.overrun ? (
                  <span className="font-medium text-amber-600">overrun: past twice the estimate</span>
                ) : task.eta.remainingMs > 0 ? (
                  <>ETA {new Date(task.eta.finishAt).toLocaleTimeString()} (in {duration(task.eta.remainingMs)})</>
                ) : (
                  <>past its estimate ({new Date(task.eta.finishAt).toLocaleTimeString()})</>
                )}
              </>
            )}
          </p>
        )}
        {task.dependsOn.length > 0 && (
          <p className="sm:col-span-2">
            <span className="text-slate-500 dark:text-slate-400">Depends on:</span>{' '}
            {task.dependsOn.map((d, i) => (
              <span key={d}>
                {i > 0 && ', '}
                <Link className="underline" href={`/tasks/${d}`}>
                  {d.slice(0, 8)}
                </Link>
              </span>
            ))}{' '}
            · if one fails: {task.dependencyPolicy === 'wait' ? 'wait for its retry' : 'cancel this task'}
          </p>
        )}
        {task.reason && (
          <p>
            <span className="text-slate-500 dark:text-slate-400">Reason:</span> <span data-testid="task-reason">{task.reason}</span>
          </p>
        )}
        {task.error && <p className="text-red-600 sm:col-span-2">Error: {task.error}</p>}
      </section>
      {task.attemptHistory.length > 0 && (
        <section className="card overflow-x-auto">
          <h2 className="mb-2 font-semibold">Attempts</h2>
          <DataTable
            testId="task-attempts"
            rows={task.attemptHistory}
            rowKey={(a) => a.attempt}
            rowData={(a) => ({ 'data-outcome': a.outcome ?? 'running' })}
            columns={[
              { header: '#', numeric: true, cell: (a) => a.attempt },
              {
                header: 'Agent',
                cell: (a) =>
                  a.agentId ? (
                    <Link className="underline" href={`/agents/${a.agentId}`}>
                      {a.agentName ?? a.agentId.slice(0, 8)}
                    </Link>
                  ) : (
                    '—'
                  ),
              },
              { header: 'Start', numeric: true, cell: (a) => new Date(a.startedAt).toLocaleTimeString() },
              { header: 'End', numeric: true, cell: (a) => (a.endedAt ? new Date(a.endedAt).toLocaleTimeString() : '—') },
              { header: 'Duration', numeric: true, cell: (a) => duration(a.durationMs) },
              { header: 'Outcome', cell: (a) => (a.outcome ? <Badge value={a.outcome} /> : <Badge value="running" />) },
              { header: 'Error', cell: (a) => a.error ?? '', title: (a) => a.error ?? undefined },
            ]}
          />
        </section>
      )}
      {task.waiting && (
        <section className="card text-sm" data-testid="why-waiting">
          <h2 className="mb-2 font-semibold">Why it is waiting</h2>
          <ul className="list-disc space-y-1 pl-5">
            {task.waiting.reasons.map((r) => (
              <li key={r.code}>{r.detail}</li>
            ))}
          </ul>
          <p className="mt-2 text-slate-500 dark:text-slate-400">
            Agents of {task.departmentId}: {task.waiting.agents.online} online, {task.waiting.agents.fitting} fit this task, {task.waiting.agents.free} of those with a free slot.
          </p>
        </section>
      )}
      {task.children.length > 0 && (
        <section className="card overflow-x-auto">
          <h2 className="mb-2 font-semibold">Collaboration requests (child tasks)</h2>
          <DataTable
            rows={task.children}
            rowKey={(c) => c.id}
            columns={[
              { header: 'Task', href: (c) => `/tasks/${c.id}`, cell: (c) => c.title },
              { header: 'Department', cell: (c) => c.departmentId },
              { header: 'Status', cell: (c) => <Badge value={c.status} /> },
            ]}
          />
        </section>
      )}
      <section className="card">
        <h2 className="mb-3 font-semibold">Timeline</h2>
        <ol className="space-y-2 border-l-2 border-slate-200 pl-4 dark:border-slate-700" data-testid="task-timeline">
          {task.events.map((e) => (
            <li key={e.id} className="text-sm">
              <span className="font-medium">{e.type}</span>{' '}
              <span className="tabular-nums text-slate-500 dark:text-slate-400"><Time value={e.at} /></span>
              {e.agentId && <span className="text-slate-500 dark:text-slate-400"> · agent {e.agentId.slice(0, 8)}</span>}
              {Object.keys(e.detail).length > 0 && <span className="text-slate-500 dark:text-slate-400"> · {JSON.stringify(e.detail)}</span>}
            </li>
          ))}
        </ol>
      </section>
      {task.result !== null && task.result !== undefined && (
        <section className="card">
          <h2 className="mb-2 font-semibold">Result</h2>
          <pre className="overflow-x-auto text-xs">{JSON.stringify(task.result, null, 2)}</pre>
        </section>
      )}
    </div>
  );
}
