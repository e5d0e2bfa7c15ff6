'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import { SecretOnce } from '@/components/secret-once';
import { createTokenAction, revokeTokenAction } from './actions';

export function CreateTokenForm() {
  const [state, action, pending] = useActionState<ActionState, FormData>(createTokenAction, {});
  const token = (state.data as { token?: string } | undefined)?.token;
  // A refused submit comes back with what was typed: the fields start from it.
  const v = (name: string) => (typeof state.values?.[name] === 'string' ? (state.values[name] as string) : undefined);
  return (
    <form
      key={state.values ? JSON.stringify(state.values) : 'new'}
      action={action}
      className="card space-y-3"
      aria-label="Create API token"
    >
      <h2 className="font-semibold">New API token</h2>
      <div className="grid gap-3 sm:grid-cols-4">
        <div>
          <label htmlFor="token-name" className="mb-1 block text-sm font-medium">
            Name
          </label>
          <input id="token-name" name="name" required maxLength={100} className="input" defaultValue={v('name')} />
        </div>
        <div>
          <label htmlFor="token-days" className="mb-1 block text-sm font-medium">
            Expires in (days, empty = never)
          </label>
          <input
            id="token-days"
            name="expiresInDays"
            type="number"
            min={1}
            max={3650}
            className="input"
            defaultValue={v('expiresInDays')}
          />
        </div>
        <div>
          <label htmlFor="token-perms" className="mb-1 block text-sm font-medium">
            Only these permissions (optional)
          </label>
          <input
            id="token-perms"
            name="permissions"
            placeholder="task:read, agent:read"
            className="input"
            defaultValue={v('permissions')}
          />
        </div>
        <div>
          <label htmlFor="token-rpm" className="mb-1 block text-sm font-medium">
            Requests per minute (empty = no limit)
          </label>
          <input
            id="token-rpm"
            name="requestsPerMinute"
            type="number"
            min={1}
            step={1}
            className="input"
            defaultValue={v('requestsPerMinute')}
          />
        </div>
      </div>
      <div className="flex items-center gap-3">
        <button type="submit" className="btn" disabled={pending}>
          {pending ? 'Creating…' : 'Create token'}
        </button>
        {state.error && (
          <p role="alert" className="text-sm text-red-600">
            {state.error}
            {Object.keys(state.fields ?? {}).length > 0 &&
              ` (${Object.entries(state.fields ?? {})
                .map(([k, m]) => `${k}: ${m}`)
                .join('; ')})`}
          </p>
        )}
      </div>
      {token && <SecretOnce items={[{ label: 'API token', value: token, testId: 'new-token' }]} />}
    </form>
  );
}

export function RevokeButton({ id, name }: { id: string; name: string }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(revokeTokenAction, {});
  return (
    <form action={action} className="flex items-center gap-2">
      <input type="hidden" name="id" value={id} />
      <button type="submit" className="btn-secondary" disabled={pending} aria-label={`Revoke ${name}`}>
        Revoke
      </button>
      {state.error && <span className="text-sm text-red-600">{state.error}</span>}
    </form>
  );
}
