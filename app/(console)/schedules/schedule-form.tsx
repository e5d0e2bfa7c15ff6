'use client';

import { useActionState, useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { createScheduleAction } from './actions';
import type { ActionState } from '@/app/_lib/action-state';

type Dept = { id: string; name: string };

export function ScheduleForm({ departments, priorities }: { departments: Dept[]; priorities: readonly string[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createScheduleAction, {});
  const router = useRouter();
  useEffect(() => {
    if (state.ok && state.id) router.push(`/schedules/${state.id}`);
  }, [state, router]);
  const fieldError = (path: string) =>
    state.errors
      ?.filter((e) => e.path === path || e.path.startsWith(path + '.'))
      .map((e) => e.message)
      .join('; ');
  const field = (name: string, path: string, label: string, input: React.ReactNode) => (
    <div>
      <label htmlFor={name} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      {input}
      {fieldError(path) && (
        <p id={`${name}-error`} className="mt-1 text-sm text-red-600 dark:text-red-400">
          {fieldError(path)}
        </p>
      )}
    </div>
  );
  return (
    <form action={action} className="card space-y-4" aria-label="New schedule" noValidate>
      <h2 className="font-semibold">New schedule</h2>
      <div className="grid gap-4 sm:grid-cols-3">
        {field('name', 'name', 'Name', <input id="name" name="name" className="input" required aria-describedby="name-error" />)}
        {field(
          'departmentId',
          'departmentId',
          'Department',
          <select id="departmentId" name="departmentId" className="input" required>
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>,
        )}
        {field(
          'cron',
          'cron',
          'Cron (5 fields, or 6 with seconds)',
          <input id="cron" name="cron" className="input font-mono" placeholder="0 2 * * *" required aria-describedby="cron-error" />,
        )}
        {field(
          'timezone',
          'timezone',
          'Time zone',
          <input id="timezone" name="timezone" className="input" defaultValue="UTC" aria-describedby="timezone-error" />,
        )}
        {field(
          'overlap',
          'overlap',
          'While the last task runs',
          <select id="overlap" name="overlap" className="input" defaultValue="allow">
            <option value="allow">fire anyway</option>
            <option value="skip">skip the firing</option>
          </select>,
        )}
        {field(
          'catchUp',
          'catchUp',
          'Missed firings (downtime)',
          <select id="catchUp" name="catchUp" className="input" defaultValue="latest">
            <option value="latest">run the latest once</option>
            <option value="none">skip them</option>
            <option value="all">run each</option>
          </select>,
        )}
        {field(
          'title',
          'task.title',
          'Task title',
          <input id="title" name="title" className="input" required aria-describedby="title-error" />,
        )}
        {field('type', 'task.type', 'Task type', <input id="type" name="type" className="input" placeholder="e.g. report" required />)}
        {field(
          'priority',
          'task.priority',
          'Task priority',
          <select id="priority" name="priority" className="input" defaultValue="medium">
            {priorities.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>,
        )}
      </div>
      {field(
        'payload',
        'task.payload',
        'Task payload (JSON, optional)',
        <textarea id="payload" name="payload" rows={2} className="input font-mono" />,
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="paused" /> Create paused
      </label>
      {state.error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {state.error}
        </p>
      )}
      <button type="submit" className="btn" disabled={pending}>
        {pending ? 'Creating…' : 'Create schedule'}
      </button>
    </form>
  );
}
