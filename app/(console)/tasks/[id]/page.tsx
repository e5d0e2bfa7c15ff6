import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { getTask } from '@/lib/tasks/service';
import { getTaskGraph } from '@/lib/tasks/graph';
import { hasPermission } from '@/lib/permissions/rbac';
import { AppError } from '@/lib/errors';
import { relatedTasks, resolveNames } from '@/lib/org/names';
import { duration } from '@/lib/format/duration';
import { requirePrincipal } from '@/app/_lib/session';
import { ActionButton } from '@/components/action-button';
import { Badge } from '@/components/badge';
import { CopyButton } from '@/components/copy-button';
import { DataTable } from '@/components/data-table';
import { AgentRef, DepartmentRef } from '@/components/entity-refs';
import { LiveRefresh } from '@/components/live-refresh';
import { Time } from '@/components/time';
import { TaskGraphView } from '@/components/task-graph';
import { cancelTaskAction, retryTaskAction } from '../actions';
import { TaskTimeline } from './timeline';

// A task page is the record of one run: what was asked (payload, requirements), who tried it and
// how each try ended, what came back, and how it relates to other tasks.

const label = 'text-slate-500 dark:text-slate-400';

function Fact({ name, children, testId, wide }: { name: string; children: React.ReactNode; testId?: string; wide?: boolean }) {
  return (
    <div className={wide ? 'sm:col-span-2' : undefined} data-testid={testId}>
      <dt className={`inline ${label}`}>{name}:</dt> <dd className="inline">{children}</dd>
    </div>
  );
}

function Json({ value, testId }: { value: unknown; testId: string }) {
  return (
    <pre className="max-h-96 overflow-auto rounded bg-slate-50 p-3 text-xs dark:bg-slate-950" data-testid={testId}>
      {JSON.stringify(value, null, 2)}
    </pre>
  );
}

const list = (xs: string[]) => (xs.length ? xs.join(', ') : '—');

export default async function TaskPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const principal = await requirePrincipal();
  const db = getDb();
  const task = await getTask(db, principal, id).catch((err) => {
    if (err instanceof AppError && err.status === 404) notFound();
    throw err;
  });
  const [names, related, graph] = await Promise.all([
    resolveNames(db, {
      agents: [
        task.assignedAgentId,
        task.targetAgentId,
        ...task.events.map((e) => e.agentId),
        ...task.children.map((c) => c.assignedAgentId),
      ],
      departments: [task.departmentId, ...task.children.map((c) => c.departmentId)],
    }),
    relatedTasks(db, principal, [task.parentTaskId, ...task.dependsOn]),
    getTaskGraph(db, principal, task.id),
  ]);
  const cancellable = ['pending', 'assigned', 'running', 'scheduled'].includes(task.status) && hasPermission(principal, 'task:cancel');
  const retriable = ['failed', 'dead', 'cancelled'].includes(task.status) && hasPermission(principal, 'task:retry');
  const req = task.requirements;
  const capabilities = Object.entries(req.capabilities ?? {}).map(([k, v]) =>
    v === true ? k : `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`,
  );
  const resources = Object.entries(req.resources ?? {}).map(([k, v]) => `${k} ${v}`);
  // The task's `error` column keeps the last failure even after a later attempt succeeds: it is
  // the task's error only while the task stands failed; otherwise it lives in its attempt's row.
  const currentError = ['failed', 'dead'].includes(task.status) ? task.error : null;
  const taskLink = (tid: string) => {
    const r = related[tid];
    return (
      <span key={tid} className="inline-flex items-center gap-1.5">
        <Link prefetch={false} className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400" href={`/tasks/${tid}`}>
          {r ? r.title : `task ${tid.slice(0, 8)}`}
        </Link>
        {r && <Badge value={r.status} />}
        <CopyButton value={tid} label={`Copy id of task ${r?.title ?? tid}`} />
      </span>
    );
  };
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{task.title}</h1>
        <Badge value={task.status} />
        <Badge value={task.priority} />
        <LiveRefresh events={['task:update']} />
      </div>
      <p className="flex flex-wrap items-center gap-2 text-sm">
        <span className={label}>Task id</span>
        <code className="font-mono text-xs" data-testid="task-id">
          {task.id}
        </code>
        <CopyButton value={task.id} label="Copy task id" text="Copy" />
      </p>
      {(cancellable || retriable) && (
        <div className="flex gap-3">
          {cancellable && <ActionButton label="Cancel task" confirm="Cancel this task?" action={cancelTaskAction} fields={{ id }} />}
          {retriable && <ActionButton label="Retry" variant="primary" action={retryTaskAction} fields={{ id }} />}
        </div>
      )}
      {currentError && (
        <p role="status" className="card border-red-300 text-sm text-red-700 dark:text-red-400" data-testid="task-error">
          Error: {currentError}
        </p>
      )}
      <section className="card" aria-labelledby="run-heading">
        <h2 id="run-heading" className="mb-2 font-semibold">
          Run
        </h2>
        <dl className="grid gap-2 text-sm sm:grid-cols-2">
          <Fact name="Department">
            <DepartmentRef id={task.departmentId} names={names} />
          </Fact>
          <Fact name="Type">{task.type}</Fact>
          <Fact name="Agent">
            <AgentRef id={task.assignedAgentId} names={names} />
          </Fact>
          {task.targetAgentId && (
            <Fact name="Asked for agent">
              <AgentRef id={task.targetAgentId} names={names} />
            </Fact>
          )}
          <Fact name="Attempts">
            {task.attempts} / {task.maxAttempts}
          </Fact>
          <Fact name="Progress">{Math.round(task.progress * 100)}%</Fact>
          <Fact name="Created">
            <Time value={task.createdAt} />
          </Fact>
          {task.status === 'scheduled' && (
            <Fact name="Starts">
              <Time value={task.availableAt} />
            </Fact>
          )}
          {task.startedAt && (
            <Fact name="Started">
              <Time value={task.startedAt} />
            </Fact>
          )}
          {task.finishedAt && (
            <Fact name="Finished">
              <Time value={task.finishedAt} />
            </Fact>
          )}
          {task.timeout !== null && <Fact name="Timeout per attempt">{duration(task.timeout)}</Fact>}
          {task.estimatedDuration !== null && (
            <Fact name="Estimated duration" testId="task-eta">
              {duration(task.estimatedDuration)}
              {task.eta && (
                <>
                  {' · '}
                  {task.eta.overrun ? (
                    <span className="font-medium text-amber-600">overrun: past twice the estimate</span>
                  ) : task.eta.remainingMs > 0 ? (
                    <>
                      ETA <Time value={task.eta.finishAt} /> (in {duration(task.eta.remainingMs)})
                    </>
                  ) : (
                    <>
                      past its estimate (<Time value={task.eta.finishAt} />)
                    </>
                  )}
                </>
              )}
            </Fact>
          )}
          {task.reason && (
            <Fact name="Reason">
              <span data-testid="task-reason">{task.reason}</span>
            </Fact>
          )}
          {task.scheduleId && (
            <Fact name="Created by schedule">
              <Link
                prefetch={false}
                className="text-indigo-600 underline underline-offset-2 dark:text-indigo-400"
                href={`/schedules/${task.scheduleId}`}
              >
                schedule {task.scheduleId.slice(0, 8)}
              </Link>
            </Fact>
          )}
        </dl>
      </section>
      <section className="card" aria-labelledby="req-heading" data-testid="task-requirements">
        <h2 id="req-heading" className="mb-2 font-semibold">
          Requirements
        </h2>
        <dl className="grid gap-2 text-sm sm:grid-cols-2">
          <Fact name="Priority">{task.priority}</Fact>
          <Fact name="Specialization">{req.specialization ?? 'any'}</Fact>
          <Fact name="Capabilities">{list(capabilities)}</Fact>
          <Fact name="Resources">{list(resources)}</Fact>
        </dl>
      </section>
      <section className="card" aria-labelledby="payload-heading">
        <h2 id="payload-heading" className="mb-2 font-semibold">
          Input (payload)
        </h2>
        {task.payload === null || task.payload === undefined ? (
          <p className={`text-sm ${label}`}>No payload.</p>
        ) : (
          <Json value={task.payload} testId="task-payload" />
        )}
      </section>
      {(task.parentTaskId || task.dependsOn.length > 0) && (
        <section className="card text-sm" aria-labelledby="links-heading" data-testid="task-links">
          <h2 id="links-heading" className="mb-2 font-semibold">
            Related tasks
          </h2>
          <dl className="space-y-2">
            {task.parentTaskId && <Fact name="Parent (asked for this one)">{taskLink(task.parentTaskId)}</Fact>}
            {task.dependsOn.length > 0 && (
              <Fact name="Depends on">
                <span className="inline-flex flex-wrap gap-3">{task.dependsOn.map(taskLink)}</span>
                <span className={label}>
                  {' '}
                  · if one fails: {task.dependencyPolicy === 'wait' ? 'wait for its retry' : 'cancel this task'}
                </span>
              </Fact>
            )}
          </dl>
        </section>
      )}
      {graph.nodes.length > 1 && (
        <section className="card" aria-labelledby="graph-heading">
          <h2 id="graph-heading" className="mb-2 font-semibold">
            Task graph
          </h2>
          <TaskGraphView
            graph={graph}
            focusId={task.id}
            testId="task-graph"
            title={`Tasks linked to ${task.title} by dependencies and collaboration requests`}
          />
        </section>
      )}
      {task.attemptHistory.length > 0 && (
        <section className="card overflow-x-auto" aria-labelledby="attempts-heading">
          <h2 id="attempts-heading" className="mb-2 font-semibold">
            Attempts
          </h2>
          <DataTable
            testId="task-attempts"
            rows={task.attemptHistory}
            rowKey={(a) => a.attempt}
            rowData={(a) => ({ 'data-outcome': a.outcome ?? 'running' })}
            columns={[
              { header: '#', numeric: true, cell: (a) => a.attempt },
              { header: 'Agent', cell: (a) => (a.agentId ? <AgentRef id={a.agentId} name={a.agentName} /> : '—') },
              { header: 'Start', numeric: true, cell: (a) => <Time value={a.startedAt} /> },
              { header: 'End', numeric: true, cell: (a) => (a.endedAt ? <Time value={a.endedAt} /> : '—') },
              { header: 'Duration', numeric: true, cell: (a) => duration(a.durationMs) },
              { header: 'Outcome', cell: (a) => <Badge value={a.outcome ?? 'running'} /> },
              { header: 'Error', cell: (a) => a.error ?? '', title: (a) => a.error ?? undefined },
            ]}
          />
        </section>
      )}
      {task.result !== null && task.result !== undefined && (
        <section className="card" aria-labelledby="result-heading">
          <h2 id="result-heading" className="mb-2 font-semibold">
            Result
          </h2>
          <Json value={task.result} testId="task-result" />
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
          <p className={`mt-2 ${label}`}>
            Agents of {names.departments[task.departmentId] ?? task.departmentId}: {task.waiting.agents.online} online,{' '}
            {task.waiting.agents.fitting} fit this task, {task.waiting.agents.free} of those with a free slot.
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
              { header: 'Department', cell: (c) => <DepartmentRef id={c.departmentId} names={names} /> },
              { header: 'Agent', cell: (c) => <AgentRef id={c.assignedAgentId} names={names} /> },
              { header: 'Status', cell: (c) => <Badge value={c.status} /> },
            ]}
          />
        </section>
      )}
      <section className="card">
        <h2 className="mb-3 font-semibold">Timeline</h2>
        <TaskTimeline events={task.events} names={names} />
      </section>
    </div>
  );
}
