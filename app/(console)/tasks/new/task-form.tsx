'use client';

import { useActionState, useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { createTaskAction } from '../actions';
import type { ActionState } from '@/app/_lib/action-state';

type Dept = { id: string; name: string; specializations: string[] };

export function TaskForm({ departments, priorities }: { departments: Dept[]; priorities: readonly string[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createTaskAction, {});
  const router = useRouter();
  useEffect(() => {
    if (state.ok && state.id) router.push(`/tasks/${state.id}`);
  }, [state, router]);
  const fieldError = (path: string) => state.errors?.filter((e) => e.path === path || e.path.startsWith(path + '.')).map((e) => e.message).join('; ');
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
    <form action={action} className="card max-w-2xl space-y-4" noValidate>
      {field('title', 'Title', <input id="title" name="title" className="input" required aria-describedby="title-error" />)}
      <div className="grid gap-4 sm:grid-cols-2">
        {field(
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
        {field('type', 'Type', <input id="type" name="type" className="input" placeholder="e.g. code-review" required />)}
        {field(
          'priority',
          'Priority',
          <select id="priority" name="priority" className="input" defaultValue="medium">
            {priorities.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>,
        )}
        {field('maxAttempts', 'Max attempts', <input id="maxAttempts" name="maxAttempts" type="number" min={1} max={100} defaultValue={3} className="input" />)}
        {field('delayMs', 'Start in (minutes, optional)', <input id="delayMs" name="startInMinutes" type="number" min={0} step="any" className="input" placeholder="now" />)}
        {field('timeoutSeconds', 'Timeout per attempt, seconds (optional)', <input id="timeoutSeconds" name="timeoutSeconds" type="number" min={1} step="any" className="input" />)}
        {field('estimatedMinutes', 'Estimated duration, minutes (optional)', <input id="estimatedMinutes" name="estimatedMinutes" type="number" min={0} step="any" className="input" />)}
        {field('specialization', 'Specialization (optional)', <input id="specialization" name="specialization" className="input" placeholder="e.g. backend" />)}
        {field('capabilities', 'Required capabilities (comma-separated)', <input id="capabilities" name="capabilities" className="input" placeholder="e.g. code-review, testing" />)}
      </div>
      {field('payload', 'Payload (JSON, optional)', <textarea id="payload" name="payload" rows={4} className="input font-mono" />)}
      {state.error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {state.error}
        </p>
      )}
      <button type="submit" className="btn" disabled={pending}>
        {pending ? 'Creating…' : 'Create task'}
      </button>
    </form>
  );
}
