'use client';

import { useActionState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import { ActionButton } from '@/components/action-button';
import { archiveDepartmentAction, createDepartmentAction, unarchiveDepartmentAction, updateDepartmentAction } from './actions';

type DepartmentView = {
  id: string;
  name: string;
  description: string;
  specializations: string[];
  capabilities: string[];
  resourceTypes: string[];
  maxAgents: number;
  status: string;
  loadBalancingStrategy: string;
  quotas?: { tasksPerMinute: number | null; maxPendingTasks: number | null; maxMonthlyCost: number | null };
};

const STRATEGIES = ['round-robin', 'least-connections', 'weighted', 'capability-match'];

function Status({ state }: { state: ActionState }) {
  if (state.error)
    return (
      <p role="alert" className="text-sm text-red-600 dark:text-red-400">
        {state.error}
        {state.fields &&
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

function Field({ id, label, children }: { id: string; label: string; children: React.ReactNode }) {
  return (
    <div>
      <label htmlFor={id} className="mb-1 block text-sm font-medium">
        {label}
      </label>
      {children}
    </div>
  );
}

/** A department's values, or what was typed (lists as the text typed). */
type FieldValues = Partial<Omit<DepartmentView, 'specializations' | 'capabilities'>> & {
  specializations?: string[] | string;
  capabilities?: string[] | string;
};

/** The fields create and edit share; `prefix` keeps ids unique when both are on a page. */
function DepartmentFields({ prefix, value, resourceKinds }: { prefix: string; value: FieldValues; resourceKinds: readonly string[] }) {
  const join = (v?: string[] | string) => (Array.isArray(v) ? v.join(', ') : (v ?? ''));
  return (
    <>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field id={`${prefix}-name`} label="Name">
          <input id={`${prefix}-name`} name="name" className="input" defaultValue={value.name} required />
        </Field>
        <Field id={`${prefix}-maxAgents`} label="Agent limit">
          <input id={`${prefix}-maxAgents`} name="maxAgents" type="number" min={1} className="input" defaultValue={value.maxAgents} />
        </Field>
        <Field id={`${prefix}-specializations`} label="Specializations (comma-separated)">
          <input id={`${prefix}-specializations`} name="specializations" className="input" defaultValue={join(value.specializations)} />
        </Field>
        <Field id={`${prefix}-capabilities`} label="Capabilities (comma-separated)">
          <input id={`${prefix}-capabilities`} name="capabilities" className="input" defaultValue={join(value.capabilities)} />
        </Field>
        <Field id={`${prefix}-strategy`} label="Load balancing">
          <select id={`${prefix}-strategy`} name="loadBalancingStrategy" className="input" defaultValue={value.loadBalancingStrategy ?? ''}>
            {!value.loadBalancingStrategy && <option value="">(the default)</option>}
            {STRATEGIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field id={`${prefix}-description`} label="Description">
        <textarea id={`${prefix}-description`} name="description" rows={2} className="input" defaultValue={value.description} />
      </Field>
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Resource kinds</legend>
        <div className="flex flex-wrap gap-x-3 gap-y-1">
          {resourceKinds.map((k) => (
            <label key={k} className="flex items-center gap-1 text-sm">
              <input type="checkbox" name="resourceTypes" value={k} defaultChecked={value.resourceTypes?.includes(k)} /> {k}
            </label>
          ))}
        </div>
      </fieldset>
    </>
  );
}

export function CreateDepartmentForm({ resourceKinds }: { resourceKinds: readonly string[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(createDepartmentAction, {});
  // A refused submit comes back with what was typed: the fields start from it.
  const v = state.values ?? {};
  const one = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const typed: FieldValues = {
    name: one('name'),
    description: one('description'),
    specializations: one('specializations'),
    capabilities: one('capabilities'),
    resourceTypes: Array.isArray(v.resourceTypes) ? v.resourceTypes : v.resourceTypes ? [v.resourceTypes] : undefined,
    maxAgents: one('maxAgents') ? Number(one('maxAgents')) : undefined,
    loadBalancingStrategy: one('loadBalancingStrategy'),
  };
  return (
    <form
      key={state.values ? JSON.stringify(state.values) : 'new'}
      action={action}
      className="card space-y-3"
      aria-label="Create department"
    >
      <h2 className="font-semibold">New department</h2>
      <Field id="new-dept-id" label="Id (lower-case, e.g. customer-support)">
        <input id="new-dept-id" name="id" className="input" defaultValue={one('id')} required />
      </Field>
      <DepartmentFields prefix="new-dept" value={typed} resourceKinds={resourceKinds} />
      <div className="flex items-center gap-3">
        <button type="submit" className="btn" disabled={pending}>
          {pending ? 'Creating…' : 'Create department'}
        </button>
        <Status state={state} />
      </div>
    </form>
  );
}

export function EditDepartmentForm({ department, resourceKinds }: { department: DepartmentView; resourceKinds: readonly string[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(updateDepartmentAction, {});
  return (
    <form action={action} className="card space-y-3" aria-label="Edit department">
      <h2 className="font-semibold">Settings</h2>
      <input type="hidden" name="id" value={department.id} />
      <DepartmentFields prefix="edit-dept" value={department} resourceKinds={resourceKinds} />
      <fieldset>
        <legend className="mb-1 text-sm font-medium">Quotas (blank: none)</legend>
        <div className="grid gap-3 sm:grid-cols-3">
          <Field id="edit-dept-tpm" label="Tasks per minute">
            <input
              id="edit-dept-tpm"
              name="tasksPerMinute"
              type="number"
              min={1}
              step={1}
              className="input"
              defaultValue={department.quotas?.tasksPerMinute ?? ''}
            />
          </Field>
          <Field id="edit-dept-pending" label="Max pending tasks">
            <input
              id="edit-dept-pending"
              name="maxPendingTasks"
              type="number"
              min={0}
              step={1}
              className="input"
              defaultValue={department.quotas?.maxPendingTasks ?? ''}
            />
          </Field>
          <Field id="edit-dept-cost" label="Max monthly cost (USD)">
            <input
              id="edit-dept-cost"
              name="maxMonthlyCost"
              type="number"
              min={0}
              step="any"
              className="input"
              defaultValue={department.quotas?.maxMonthlyCost ?? ''}
            />
          </Field>
        </div>
      </fieldset>
      <Field id="edit-dept-status" label="Status">
        <select id="edit-dept-status" name="status" className="input" defaultValue={department.status}>
          <option>active</option>
          <option>inactive</option>
        </select>
      </Field>
      <div className="flex items-center gap-3">
        <button type="submit" className="btn" disabled={pending}>
          {pending ? 'Saving…' : 'Save'}
        </button>
        <Status state={state} />
      </div>
    </form>
  );
}

export function ArchiveControls({ id, archived }: { id: string; archived: boolean }) {
  if (archived) return <ActionButton label="Unarchive" action={unarchiveDepartmentAction} fields={{ id }} />;
  return (
    <span className="inline-flex flex-wrap items-center gap-2">
      <ActionButton
        label="Archive"
        action={archiveDepartmentAction}
        fields={{ id }}
        confirm={`Archive ${id}? It keeps its history but takes no new agents or tasks; its agents are retired.`}
      />
      <ActionButton
        label="Archive and cancel its tasks"
        action={archiveDepartmentAction}
        fields={{ id, force: 'on' }}
        confirm={`Archive ${id} and cancel every unfinished task of it?`}
      />
    </span>
  );
}
