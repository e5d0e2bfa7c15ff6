'use client';

import { useActionState, useEffect } from 'react';
import { useRouter } from 'next/navigation';
import { createTaskAction } from '../actions';
import type { ActionState } from '@/app/_lib/action';
import { describedBy, FormField } from '@/components/form-field';

type Dept = { id: string; name: string; specializations: string[] };

export function TaskForm({ departments, priorities }: { departments: Dept[]; priorities: readonly string[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createTaskAction, {});
  const router = useRouter();
  const made = (state.data as { id?: string } | undefined)?.id;
  useEffect(() => {
    if (made) router.push(`/tasks/${made}`);
  }, [made, router]);
  // A refused submit comes back with what was typed: the fields start from it (React resets a
  // form after its action, to these defaults).
  const v = (name: string, fallback = '') => {
    const x = state.values?.[name];
    return typeof x === 'string' ? x : fallback;
  };
  const err = (name: string) => state.fields?.[name];
  const text = (name: string, label: string, props: React.InputHTMLAttributes<HTMLInputElement> = {}, fallback = '') => (
    <FormField id={name} label={label} error={err(name)}>
      <input name={name} className="input" defaultValue={v(name, fallback)} {...props} {...describedBy(name, err(name))} />
    </FormField>
  );
  return (
    // The key remounts the fields with the returned values, whatever the browser kept.
    <form
      key={state.values ? JSON.stringify(state.values) : 'new'}
      action={action}
      className="card max-w-2xl space-y-4"
      noValidate
      aria-label="New task"
    >
      {text('title', 'Title', { required: true })}
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField id="departmentId" label="Department" error={err('departmentId')}>
          <select
            name="departmentId"
            className="input"
            required
            defaultValue={v('departmentId', departments[0]?.id)}
            {...describedBy('departmentId', err('departmentId'))}
          >
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </FormField>
        {text('type', 'Type', { required: true, placeholder: 'e.g. code-review' })}
        <FormField id="priority" label="Priority" error={err('priority')}>
          <select name="priority" className="input" defaultValue={v('priority', 'medium')} {...describedBy('priority', err('priority'))}>
            {priorities.map((p) => (
              <option key={p}>{p}</option>
            ))}
          </select>
        </FormField>
        {text('maxAttempts', 'Max attempts', { type: 'number', min: 1, max: 100 }, '3')}
        {text('startInMinutes', 'Start in (minutes, optional)', { type: 'number', min: 0, step: 'any', placeholder: 'now' })}
        {text('timeoutSeconds', 'Timeout per attempt, seconds (optional)', { type: 'number', min: 1, step: 'any' })}
        {text('estimatedMinutes', 'Estimated duration, minutes (optional)', { type: 'number', min: 0, step: 'any' })}
        {text('specialization', 'Specialization (optional)', { placeholder: 'e.g. backend' })}
        {text('capabilities', 'Required capabilities (comma-separated)', { placeholder: 'e.g. code-review, testing' })}
      </div>
      <FormField id="payload" label="Payload (JSON, optional)" error={err('payload')}>
        <textarea
          name="payload"
          rows={4}
          className="input font-mono"
          defaultValue={v('payload')}
          {...describedBy('payload', err('payload'))}
        />
      </FormField>
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
