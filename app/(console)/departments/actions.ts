'use server';

import { revalidatePath } from 'next/cache';
import type { z } from 'zod';
import { createDepartmentSchema, updateDepartmentSchema } from '@/lib/departments/schemas';
import { departmentIdSchema } from '@/lib/org/department-id';
import { archiveDepartment, createDepartment, unarchiveDepartment, updateDepartment } from '@/lib/departments/service';
import { badRequest } from '@/lib/errors';
import { fieldProblems } from '@/app/_lib/field-messages';
import { formString, runAction, type ActionState } from '@/app/_lib/action';
import { quotaField } from '@/lib/quotas/schemas';

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest('Check the highlighted fields', fieldProblems(r.error));
  return r.data;
}

const list = (form: FormData, key: string) =>
  formString(form, key)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
const optionalNumber = (form: FormData, key: string) => (formString(form, key).trim() ? Number(formString(form, key)) : undefined);

/** What the department forms send, parsed by the REST schemas (kept on refusal so the form keeps it). */
function fieldsOf(form: FormData) {
  return {
    name: formString(form, 'name'),
    description: formString(form, 'description'),
    specializations: list(form, 'specializations'),
    capabilities: list(form, 'capabilities'),
    resourceTypes: form.getAll('resourceTypes').map(String),
    maxAgents: optionalNumber(form, 'maxAgents'),
    loadBalancingStrategy: formString(form, 'loadBalancingStrategy') || undefined,
  };
}

export async function createDepartmentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const submitted = { id: formString(form, 'id'), ...fieldsOf(form) };
  const state = await runAction('departments.create', async (db, principal) => {
    const dept = await createDepartment(db, principal, parse(createDepartmentSchema, submitted));
    revalidatePath('/departments');
    return { ok: `Created ${dept.name}` };
  });
  // React resets the form after its action: a refused one shows what was typed again.
  return state.error ? { ...state, data: submitted } : state;
}

export async function updateDepartmentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('departments.update', async (db, principal) => {
    const id = parse(departmentIdSchema, formString(form, 'id'));
    const { maxAgents, loadBalancingStrategy, ...rest } = fieldsOf(form);
    // The form sends every quota field: blank removes that quota (null), as in the REST PATCH.
    const quotas = {
      tasksPerMinute: quotaField(form.get('tasksPerMinute')),
      maxPendingTasks: quotaField(form.get('maxPendingTasks')),
      maxMonthlyCost: quotaField(form.get('maxMonthlyCost')),
    };
    const dept = await updateDepartment(
      db,
      principal,
      id,
      parse(updateDepartmentSchema, {
        ...rest,
        ...(maxAgents ? { maxAgents } : {}),
        ...(loadBalancingStrategy ? { loadBalancingStrategy } : {}),
        status: formString(form, 'status') || undefined,
        quotas,
      }),
    );
    revalidatePath(`/departments/${id}`);
    return { ok: `Saved ${dept.name}` };
  });
}

export async function archiveDepartmentAction(id: string, force: boolean): Promise<{ ok: boolean; error?: string }> {
  const state = await runAction('departments.archive', async (db, principal) => {
    await archiveDepartment(db, principal, parse(departmentIdSchema, id), { force });
    revalidatePath(`/departments/${id}`);
    revalidatePath('/departments');
  });
  return { ok: !state.error, error: state.error };
}

export async function unarchiveDepartmentAction(id: string): Promise<{ ok: boolean; error?: string }> {
  const state = await runAction('departments.unarchive', async (db, principal) => {
    await unarchiveDepartment(db, principal, parse(departmentIdSchema, id));
    revalidatePath(`/departments/${id}`);
    revalidatePath('/departments');
  });
  return { ok: !state.error, error: state.error };
}
