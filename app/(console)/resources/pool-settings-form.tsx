'use client';

import { startTransition, useActionState, useState } from 'react';
import type { ActionState } from '@/app/_lib/action';
import { updatePoolAction } from './actions';

type PoolLimits = { departmentId: string; type: string; guaranteed: number; maximum: number };

/** Admins set a pool's guaranteed and maximum amounts; the fields start from the chosen pool's values. */
export function PoolSettingsForm({
  pools,
  departments,
  kinds,
  names,
}: {
  pools: PoolLimits[];
  departments: string[];
  kinds: string[];
  /** Department names by id, for the choice; the value stays the id. */
  names: Record<string, string>;
}) {
  const [state, action, pending] = useActionState<ActionState, FormData>(updatePoolAction, {});
  const [dept, setDept] = useState(departments[0] ?? '');
  const [type, setType] = useState(kinds[0] ?? '');
  const current = pools.find((p) => p.departmentId === dept && p.type === type);
  // A refused amount says which and why; another refusal says what it is.
  const problem =
    state.error &&
    (Object.entries(state.fields ?? {})
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ') ||
      state.error);
  return (
    <form
      // Submitted by hand: a form `action` resets its fields afterwards, which would jump the selects back to the first pool.
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        startTransition(() => action(data));
      }}
      className="grid gap-3 sm:grid-cols-5 sm:items-end"
      aria-describedby="pool-form-status"
    >
      <div>
        <label htmlFor="pool-dept" className="mb-1 block text-sm font-medium">
          Department
        </label>
        <select id="pool-dept" name="departmentId" className="input" value={dept} onChange={(e) => setDept(e.target.value)}>
          {departments.map((d) => (
            <option key={d} value={d}>
              {names[d] ?? d}
            </option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="pool-type" className="mb-1 block text-sm font-medium">
          Kind
        </label>
        <select id="pool-type" name="type" className="input" value={type} onChange={(e) => setType(e.target.value)}>
          {kinds.map((k) => (
            <option key={k}>{k}</option>
          ))}
        </select>
      </div>
      <div>
        <label htmlFor="pool-guaranteed" className="mb-1 block text-sm font-medium">
          Guaranteed
        </label>
        <input
          key={`g-${dept}-${type}`}
          id="pool-guaranteed"
          name="guaranteed"
          type="number"
          min={0}
          className="input"
          defaultValue={current?.guaranteed ?? ''}
        />
      </div>
      <div>
        <label htmlFor="pool-maximum" className="mb-1 block text-sm font-medium">
          Maximum
        </label>
        <input
          key={`m-${dept}-${type}`}
          id="pool-maximum"
          name="maximum"
          type="number"
          min={0}
          className="input"
          defaultValue={current?.maximum ?? ''}
        />
      </div>
      <button type="submit" className="btn justify-center" disabled={pending}>
        {pending ? 'Saving…' : current ? 'Save pool' : 'Grant kind'}
      </button>
      <p
        id="pool-form-status"
        role="status"
        className={`min-h-5 text-sm sm:col-span-5 ${state.error ? 'text-red-600 dark:text-red-400' : 'text-emerald-700 dark:text-emerald-400'}`}
      >
        {problem ?? state.ok ?? (current ? '' : `${dept} has no ${type} pool yet: give both amounts to grant it.`)}
      </p>
    </form>
  );
}
