'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import { createWebhookAction } from './actions';

type Option = { id: string; name: string };

export function WebhookForm({ departments, events }: { departments: Option[]; events: readonly string[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createWebhookAction, {});
  const fieldError = (name: string) => state.fields?.[name];
  const secret = (state.data as { secret?: string } | undefined)?.secret;
  // A refused submit comes back with what was typed: the fields start from it.
  const v = (name: string) => (typeof state.values?.[name] === 'string' ? (state.values[name] as string) : undefined);
  const checked = new Set([state.values?.events ?? []].flat());
  return (
    <form
      key={state.values ? JSON.stringify(state.values) : 'new'}
      action={action}
      className="card space-y-4"
      aria-label="New webhook"
      noValidate
    >
      <h2 className="font-semibold">New webhook</h2>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="url" className="mb-1 block text-sm font-medium">
            URL
          </label>
          <input
            id="url"
            name="url"
            defaultValue={v('url')}
            className="input"
            placeholder="https://example.com/hooks/ecs"
            required
            aria-describedby="url-error"
          />
          {fieldError('url') && (
            <p id="url-error" className="mt-1 text-sm text-red-600 dark:text-red-400">
              {fieldError('url')}
            </p>
          )}
        </div>
        <div>
          <label htmlFor="departmentId" className="mb-1 block text-sm font-medium">
            Department
          </label>
          <select id="departmentId" name="departmentId" className="input" defaultValue={v('departmentId')}>
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </div>
        <div className="sm:col-span-2">
          <label htmlFor="description" className="mb-1 block text-sm font-medium">
            Description
          </label>
          <input id="description" name="description" className="input" defaultValue={v('description')} />
        </div>
      </div>
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Events</legend>
        <div className="flex flex-wrap gap-3">
          {events.map((e) => (
            <label key={e} className="inline-flex items-center gap-1 text-sm">
              <input type="checkbox" name="events" value={e} defaultChecked={checked.has(e)} /> <code>{e}</code>
            </label>
          ))}
        </div>
        {fieldError('events') && <p className="mt-1 text-sm text-red-600 dark:text-red-400">{fieldError('events')}</p>}
      </fieldset>
      <div className="flex items-center gap-3">
        <button type="submit" className="btn" disabled={pending}>
          {pending ? 'Creating…' : 'Create webhook'}
        </button>
        {state.error && !fieldError('url') && !fieldError('events') && (
          <span role="alert" className="text-sm text-red-600 dark:text-red-400">
            {state.error}
          </span>
        )}
      </div>
      {secret && (
        <div role="status" className="rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-700 dark:bg-amber-950">
          <p className="font-medium">Webhook created. Its signing secret is shown this once:</p>
          <code data-testid="webhook-secret" className="mt-1 block break-all">
            {secret}
          </code>
        </div>
      )}
    </form>
  );
}
