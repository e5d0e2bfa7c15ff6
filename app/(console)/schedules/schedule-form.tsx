'use client';

import { useActionState, useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { createScheduleAction } from './actions';
import type { ActionState } from '@/app/_lib/action';

type Dept = { id: string; name: string };

export function ScheduleForm({ departments, priorities }: { departments: Dept[]; priorities: readonly string[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createScheduleAction, {});
  const router = useRouter();
  const made = (state.data as { id?: string } | undefined)?.id;
  useEffect(() => {
    if (made) router.push(`/schedules/${made}`);
  }, [made, router]);
  const fieldError = (name: string) => state.fields?.[name];
  // A refused submit comes back with what was typed: the fields start from it.
  const v = (name: string, fallback?: string) => {
    const x = state.values?.[name];
    return typeof x === 'string' ? x : fallback;
  };
  const field = (name: string, label: string, input: React.ReactNode) => (
    <div>
      <label htmlFor={name} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      {input}
      {fieldError(name) && (
        <p id={`${name}-error`} className="mt-1 text-sm text-red-600 dark:text-red-400">
          {fieldError(name)}
        </p>
      )}
    </div>
  );
  return (
    <form
      key={state.values ? JSON.stringify(state.values) : 'new'}
      action={action}
      className="card space-y-4"
      aria-label="New schedule"
      noValidate
    >
      <h2 className="font-semibold">New schedule</h2>
      <div className="grid gap-4 sm:grid-cols-3">
        {field(
          'name',
          'Name',
          <input id="name" name="name" defaultValue={v('name')} className="input" required aria-describedby="name-error" />,
        )}
        {field(
          'departmentId',
          'Department',
          <select id="departmentId" name="departmentId" defaultValue={v('departmentId')} className="input" required>
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>,
        )}
        {field(
          'cron',
          'Cron (5 fields, or 6 with seconds)',
          <input
            id="cron"
            name="cron"
            defaultValue={v('cron')}
            className="input font-mono"
            placeholder="0 2 * * *"
            required
            aria-describedby="cron-error"
          />,
        )}
        {field(
          'timezone',
          'Time zone',
          <input id="timezone" name="timezone" className="input" defaultValue={v('timezone', 'UTC')} aria-describedby="timezone-error" />,
        )}
        {field(
          'overlap',
          'While the last task runs',
          <select id="overlap" name="overlap" className="input" defaultValue={v('overlap', 'allow')}>
            <option value="allow">fire anyway</option>
            <option value="skip">skip the firing</option>
          </select>,
        )}
        {field(
          'catchUp',
          'Missed firings (downtime)',
          <select id="catchUp" name="catchUp" className="input" defaultValue={v('catchUp', 'latest')}>
            <option value="latest">run the latest once</option>
            <option value="none">skip them</option>
            <option value="all">run each</option>
          </select>,
        )}
        {field(
          'title',
          'Task title',
          <input id="title" name="title" defaultValue={v('title')} className="input" required aria-describedby="title-error" />,
        )}
        {field(
          'type',
          'Task type',
          <input id="type" name="type" defaultValue={v('type')} className="input" placeholder="e.g. report" required />,
        )}
        {field(
          'priority',
          'Task priority',
          <select id="priority" name="priority" className="input" defaultValue={v('priority', 'medium')}>
            {priorities.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>,
        )}
      </div>
      {field(
        'payload',
        'Task payload (JSON, optional)',
        <textarea id="payload" name="payload" defaultValue={v('payload')} rows={2} className="input font-mono" />,
      )}
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="paused" defaultChecked={v('paused') === 'on'} /> Create paused
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
