'use client';

import Link from 'next/link';
import { useActionState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import { describedBy, FormField } from '@/components/form-field';
import { SecretOnce } from '@/components/secret-once';
import { registerAgentAction } from '../actions';

type Dept = { id: string; name: string; specializations: string[] };
type Registered = { agentId: string; secret: string; name: string };

export function RegisterAgentForm({ departments }: { departments: Dept[] }) {
  const [state, action, pending] = useActionState<ActionState, FormData>(registerAgentAction, {});
  const made = state.data as Registered | undefined;
  const v = (k: string, fallback = '') => (typeof state.values?.[k] === 'string' ? (state.values[k] as string) : fallback);
  const err = (k: string) => state.fields?.[k];
  if (made)
    return (
      <div className="card max-w-2xl space-y-4">
        <p role="status" className="text-sm text-emerald-700 dark:text-emerald-400">
          {state.ok}
        </p>
        <SecretOnce
          title="The agent signs in with this id and secret. Copy the secret now: it is stored only as a hash and won't be shown again."
          items={[
            { label: 'Agent id', value: made.agentId, testId: 'new-agent-id' },
            { label: 'Agent secret', value: made.secret, testId: 'new-agent-secret' },
          ]}
        >
          <p className="text-xs text-slate-600 dark:text-slate-300">
            Give both to the agent (AGENT_ID and AGENT_SECRET for the SDK); it exchanges them at{' '}
            <code>POST /api/v1/agents/{'{id}'}/token</code>.
          </p>
        </SecretOnce>
        <div className="flex gap-3">
          <Link prefetch={false} href={`/agents/${made.agentId}`} className="btn">
            Open {made.name}
          </Link>
          <Link prefetch={false} href="/agents" className="btn-secondary">
            Back to agents
          </Link>
        </div>
      </div>
    );
  const specs = [...new Set(departments.flatMap((d) => d.specializations))].sort();
  return (
    <form
      key={state.values ? JSON.stringify(state.values) : 'new'}
      action={action}
      className="card max-w-2xl space-y-4"
      noValidate
      aria-label="Register agent"
    >
      <div className="grid gap-4 sm:grid-cols-2">
        <FormField id="agent-department" label="Department" error={err('departmentId')}>
          <select
            name="departmentId"
            className="input"
            defaultValue={v('departmentId', departments[0]?.id)}
            {...describedBy('agent-department', err('departmentId'))}
          >
            {departments.map((d) => (
              <option key={d.id} value={d.id}>
                {d.name}
              </option>
            ))}
          </select>
        </FormField>
        <FormField
          id="agent-name"
          label="Name (optional)"
          error={err('name')}
          hint="Left empty, one is made from the department and specialization."
        >
          <input name="name" className="input" defaultValue={v('name')} {...describedBy('agent-name', err('name'), 'hint')} />
        </FormField>
        <FormField id="agent-specialization" label="Specialization" error={err('specialization')}>
          <input
            name="specialization"
            className="input"
            list="agent-specializations"
            defaultValue={v('specialization')}
            {...describedBy('agent-specialization', err('specialization'))}
          />
        </FormField>
        <datalist id="agent-specializations">
          {specs.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
        <FormField id="agent-type" label="Type" error={err('type')}>
          <input name="type" className="input" defaultValue={v('type', 'worker')} {...describedBy('agent-type', err('type'))} />
        </FormField>
        <FormField id="agent-capabilities" label="Capabilities (comma-separated)" error={err('capabilities')}>
          <input
            name="capabilities"
            className="input"
            placeholder="e.g. code-review, testing"
            defaultValue={v('capabilities')}
            {...describedBy('agent-capabilities', err('capabilities'))}
          />
        </FormField>
        <FormField id="agent-max" label="Tasks at once" error={err('maxConcurrentTasks')}>
          <input
            name="maxConcurrentTasks"
            type="number"
            min={1}
            max={1000}
            className="input"
            defaultValue={v('maxConcurrentTasks', '1')}
            {...describedBy('agent-max', err('maxConcurrentTasks'))}
          />
        </FormField>
      </div>
      {state.error && (
        <p role="alert" className="text-sm text-red-600 dark:text-red-400">
          {state.error}
        </p>
      )}
      <button type="submit" className="btn" disabled={pending}>
        {pending ? 'Registering…' : 'Register agent'}
      </button>
    </form>
  );
}
