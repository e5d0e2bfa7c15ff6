'use server';

import { revalidatePath } from 'next/cache';
import { getDb } from '@/db/client';
import { requirePrincipal } from '@/app/_lib/session';
import { departmentIdSchema } from '@/lib/org/department-id';
import { AppError } from '@/lib/errors';
import { updateCapacitiesSchema } from '@/lib/resources/schemas';
import { updateCapacities } from '@/lib/resources/service';

export type PoolFormState = { ok?: string; error?: string };

const num = (v: FormDataEntryValue | null) => (v === null || String(v).trim() === '' ? undefined : Number(v));

/** The pool settings form: the same updateCapacities (and checks) as PATCH /departments/{id}/resources. */
export async function updatePoolAction(_prev: PoolFormState, form: FormData): Promise<PoolFormState> {
  const principal = await requirePrincipal();
  const dept = departmentIdSchema.safeParse(String(form.get('departmentId') ?? ''));
  if (!dept.success) return { error: 'Choose a department.' };
  const type = String(form.get('type') ?? '');
  const body = updateCapacitiesSchema.safeParse({ [type]: { guaranteed: num(form.get('guaranteed')), maximum: num(form.get('maximum')) } });
  if (!body.success) return { error: body.error.issues.map((i) => i.message).join('; ') };
  try {
    const res = await updateCapacities(getDb(), principal, dept.data, body.data);
    const p = res.pools.find((x) => x.type === type);
    revalidatePath('/resources');
    return { ok: `${dept.data} ${type}: guaranteed ${p?.guaranteed}, maximum ${p?.maximum}, capacity ${p?.capacity}.` };
  } catch (err) {
    if (err instanceof AppError && err.status < 500) return { error: err.detail ?? err.title };
    throw err;
  }
}
