import Link from 'next/link';
import { notFound } from 'next/navigation';
import { getDb } from '@/db/client';
import { getSchedule } from '@/lib/schedules/service';
import { hasPermission } from '@/lib/permissions/rbac';
import { AppError } from '@/lib/errors';
import { requirePrincipal } from '@/app/_lib/session';
import { ActionButton } from '@/components/action-button';
import { Badge } from '@/components/badge';
import { DataTable } from '@/components/data-table';
import { EmptyState } from '@/components/empty-state';
import { LiveRefresh } from '@/components/live-refresh';
import { deleteScheduleAction, setScheduleEnabledAction, triggerScheduleAction } from '../actions';
import { Time } from '@/components/time';
import { DepartmentRef } from '@/components/entity-refs';
import { resolveNames } from '@/lib/org/names';

export default async function SchedulePage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^[0-9a-f-]{36}$/i.test(id)) notFound();
  const principal = await requirePrincipal();
  const s = await getSchedule(getDb(), principal, id).catch((err) => {
    if (err instanceof AppError && (err.status === 404 || err.status === 403)) notFound();
    throw err;
  });
  const names = await resolveNames(getDb(), { departments: [s.departmentId] });
  const canEdit = hasPermission(principal, 'task:create');
  return (
    <div className="space-y-6">
      <div className="flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-semibold">{s.name}</h1>
        <Badge value={s.enabled ? 'active' : 'paused'} />
        <LiveRefresh events={['task:update']} />
      </div>
      {canEdit && (
        <div className="flex flex-wrap gap-3">
          <ActionButton label="Trigger now" variant="primary" action={triggerScheduleAction} fields={{ id }} />
          <ActionButton
            label={s.enabled ? 'Pause' : 'Resume'}
            action={setScheduleEnabledAction}
            fields={{ id, enabled: s.enabled ? 'off' : 'on' }}
          />
          <ActionButton
            label="Delete"
            confirm="Delete this schedule? The tasks it created stay."
            action={deleteScheduleAction}
            fields={{ id }}
          />
        </div>
      )}
      <section className="card grid gap-2 text-sm sm:grid-cols-2">
        <p>
          <span className="text-slate-500 dark:text-slate-400">Department:</span> <DepartmentRef id={s.departmentId} names={names} />
        </p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">Cron:</span> <code>{s.cron}</code> ({s.timezone})
        </p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">Creates:</span> {s.task.title} ({s.task.type}, {s.task.priority})
        </p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">While the last task runs:</span>{' '}
          {s.overlap === 'skip' ? 'skip the firing' : 'fire anyway'}
        </p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">Missed firings:</span>{' '}
          {s.catchUp === 'latest' ? 'run the latest once' : s.catchUp === 'all' ? 'run each' : 'skip them'}
        </p>
        <p>
          <span className="text-slate-500 dark:text-slate-400">Last fired:</span> <Time value={s.lastFiredAt} />
        </p>
      </section>
      <section className="card">
        <h2 className="mb-2 font-semibold">Next firings</h2>
        {s.nextFireTimes.length ? (
          <ol className="list-inside list-decimal text-sm tabular-nums" data-testid="next-fire-times">
            {s.nextFireTimes.map((t) => (
              <li key={t}>
                <Time value={t} />
              </li>
            ))}
          </ol>
        ) : (
          <p className="text-sm text-slate-500 dark:text-slate-400">Paused: no firings until resumed.</p>
        )}
      </section>
      <section className="space-y-2">
        <h2 className="font-semibold">History</h2>
        {s.history.length === 0 ? (
          <EmptyState title="No firings yet">Tasks this schedule creates appear here.</EmptyState>
        ) : (
          <div className="card overflow-x-auto">
            <DataTable
              testId="schedule-history"
              rows={s.history}
              rowKey={(f) => f.fireTime}
              columns={[
                { header: 'Fire time', numeric: true, cell: (f) => <Time value={f.fireTime} /> },
                { header: 'How', cell: (f) => (f.manual ? 'by hand' : 'on schedule') },
                {
                  header: 'Outcome',
                  cell: (f) => (f.outcome === 'skipped' ? 'skipped (previous task unfinished or department inactive)' : 'created'),
                },
                {
                  header: 'Task',
                  cell: (f) =>
                    f.task ? (
                      <Link prefetch={false} className="underline" href={`/tasks/${f.task.id}`}>
                        {f.task.title}
                      </Link>
                    ) : (
                      '—'
                    ),
                },
                { header: 'Status', cell: (f) => (f.task?.status ? <Badge value={f.task.status} /> : '—') },
              ]}
            />
            <p className="mt-2 text-sm">
              <Link className="underline" href={`/tasks?scheduleId=${s.id}`}>
                All tasks of this schedule
              </Link>
            </p>
          </div>
        )}
      </section>
    </div>
  );
}
