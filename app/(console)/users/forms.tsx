'use client';

import { useActionState, useRef, useState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import { describedBy, FormField } from '@/components/form-field';
import { ConfirmDialog } from '@/components/confirm-dialog';
import { createUserAction, deleteUserAction, mfaPolicyAction, updateUserAction } from './actions';

type Dept = { id: string; name: string };
type UserView = {
  id: string;
  username: string;
  role: string;
  departmentIds: string[];
  disabled: boolean;
  mfaEnabled: boolean;
  lockedUntil: string | null;
};

function Status({ state, fieldsShown }: { state: ActionState; fieldsShown?: boolean }) {
  if (state.error)
    return (
      <p role="alert" className="text-sm text-red-600 dark:text-red-400">
        {state.error}
        {!fieldsShown &&
          state.fields &&
          Object.keys(state.fields).length > 0 &&
          ` (${Object.entries(state.fields)
            .map(([k, v]) => `${k}: ${v}`)
            .join('; ')})`}
      </p>
    );
  if (state.ok)
    return (
      <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
        {state.ok}
      </p>
    );
  return null;
}

function DepartmentPicker({
  departments,
  selected,
  name = 'departmentIds',
  label,
  error,
  errorId,
}: {
  departments: Dept[];
  selected: string[];
  name?: string;
  label: string;
  error?: string;
  errorId?: string;
}) {
  return (
    <fieldset aria-describedby={error ? errorId : undefined} aria-invalid={error ? true : undefined}>
      <legend className="mb-1 text-sm font-medium">{label}</legend>
      <div className="flex flex-wrap gap-x-3 gap-y-1">
        {departments.map((d) => (
          <label key={d.id} className="flex items-center gap-1 text-sm">
            <input type="checkbox" name={name} value={d.id} defaultChecked={selected.includes(d.id)} /> {d.name}
          </label>
        ))}
      </div>
      {error && (
        <p id={errorId} className="mt-1 text-sm text-red-600 dark:text-red-400">
          {error}
        </p>
      )}
    </fieldset>
  );
}

export function CreateUserForm({ roles, departments }: { roles: string[]; departments: Dept[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createUserAction, {});
  // A refused submit comes back with what was typed (never the password): the fields start from it.
  const v = state.values ?? {};
  const one = (k: string, fallback: string) => (typeof v[k] === 'string' ? (v[k] as string) : fallback);
  const chosen = Array.isArray(v.departmentIds) ? v.departmentIds : typeof v.departmentIds === 'string' ? [v.departmentIds] : [];
  const err = (k: string) => state.fields?.[k];
  return (
    <form
      key={state.values ? JSON.stringify(state.values) : 'new'}
      action={action}
      className="card space-y-3"
      aria-label="Create user"
      noValidate
    >
      <h2 className="font-semibold">New user</h2>
      <div className="grid gap-3 sm:grid-cols-3">
        <FormField id="new-username" label="Username" error={err('username')}>
          <input
            name="username"
            required
            className="input"
            autoComplete="off"
            defaultValue={one('username', '')}
            {...describedBy('new-username', err('username'))}
          />
        </FormField>
        <FormField id="new-password" label="Initial password" error={err('password')}>
          <input
            name="password"
            type="password"
            required
            className="input"
            autoComplete="new-password"
            {...describedBy('new-password', err('password'))}
          />
        </FormField>
        <FormField id="new-role" label="Role" error={err('role')}>
          <select
            name="role"
            className="input"
            defaultValue={one('role', roles[roles.length - 1])}
            {...describedBy('new-role', err('role'))}
          >
            {roles.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </FormField>
      </div>
      <DepartmentPicker
        departments={departments}
        selected={chosen}
        label="Departments"
        error={err('departmentIds')}
        errorId="new-departments-error"
      />
      <div className="flex items-center gap-3">
        <button type="submit" className="btn" disabled={pending}>
          {pending ? 'Creating…' : 'Create user'}
        </button>
        <Status state={state} fieldsShown />
      </div>
    </form>
  );
}

export function EditUserForm({ user, roles, departments }: { user: UserView; roles: string[]; departments: Dept[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(updateUserAction, {});
  const [delState, del, deleting] = useActionState<ActionState, FormData>(deleteUserAction, {});
  const [asking, setAsking] = useState(false);
  const delForm = useRef<HTMLFormElement>(null);
  return (
    <div className="space-y-3 py-2">
      <form action={action} className="space-y-3" aria-label={`Edit ${user.username}`}>
        <input type="hidden" name="id" value={user.id} />
        <div className="grid gap-3 sm:grid-cols-2">
          <div>
            <label htmlFor={`role-${user.id}`} className="mb-1 block text-sm font-medium">
              Role
            </label>
            <select id={`role-${user.id}`} name="role" className="input" defaultValue={user.role}>
              {[...new Set([user.role, ...roles])].map((r) => (
                <option key={r}>{r}</option>
              ))}
            </select>
          </div>
          <div>
            <label htmlFor={`pw-${user.id}`} className="mb-1 block text-sm font-medium">
              New password (ends their sessions)
            </label>
            <input id={`pw-${user.id}`} name="password" type="password" className="input" autoComplete="new-password" />
          </div>
        </div>
        <DepartmentPicker departments={departments} selected={user.departmentIds} label="Departments" />
        <div className="flex flex-wrap gap-4 text-sm">
          <label className="flex items-center gap-1">
            <input type="checkbox" name="disabled" defaultChecked={user.disabled} /> Disabled
          </label>
          {user.lockedUntil && (
            <label className="flex items-center gap-1">
              <input type="checkbox" name="unlock" /> Unlock now
            </label>
          )}
          {user.mfaEnabled && (
            <label className="flex items-center gap-1">
              <input type="checkbox" name="resetMfa" /> Reset MFA
            </label>
          )}
        </div>
        <div className="flex items-center gap-3">
          <button type="submit" className="btn" disabled={pending}>
            {pending ? 'Saving…' : 'Save'}
          </button>
          <Status state={state} />
        </div>
      </form>
      <form ref={delForm} action={del} className="flex items-center gap-3">
        <input type="hidden" name="id" value={user.id} />
        <button type="button" className="btn-secondary text-red-700 dark:text-red-400" disabled={deleting} onClick={() => setAsking(true)}>
          Delete user
        </button>
        <ConfirmDialog
          open={asking}
          message={`Delete ${user.username}? Their sessions and tokens end.`}
          confirmLabel="Delete user"
          onCancel={() => setAsking(false)}
          onConfirm={() => {
            setAsking(false);
            delForm.current?.requestSubmit();
          }}
        />
        <Status state={delState} />
      </form>
    </div>
  );
}

export function MfaPolicyForm({ roles, required }: { roles: string[]; required: string[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(mfaPolicyAction, {});
  return (
    <form action={action} className="card space-y-3" aria-label="MFA policy">
      <h2 className="font-semibold">Require MFA for</h2>
      <div className="flex flex-wrap gap-x-4 gap-y-1">
        {roles.map((r) => (
          <label key={r} className="flex items-center gap-1 text-sm">
            <input type="checkbox" name={`role:${r}`} defaultChecked={required.includes(r)} /> {r}
          </label>
        ))}
      </div>
      <div className="flex items-center gap-3">
        <button type="submit" className="btn" disabled={pending}>
          Save policy
        </button>
        <Status state={state} />
      </div>
    </form>
  );
}
