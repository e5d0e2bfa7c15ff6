'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createDepartmentSchema, updateDepartmentSchema } from '@/lib/departments/schemas';
import { departmentIdSchema } from '@/lib/org/department-id';
import { archiveDepartment, createDepartment, unarchiveDepartment, updateDepartment } from '@/lib/departments/service';
import { quotaField } from '@/lib/quotas/schemas';
import { action } from '@/app/_lib/action';
import { checkbox, checkedAs, checkedList, commaList, numberField, rawText, text } from '@/app/_lib/form-fields';

/** What the create and edit forms share, as the REST schemas name it. */
const shared = {
  name: rawText,
  description: rawText,
  specializations: commaList,
  capabilities: commaList,
  resourceTypes: checkedList,
  maxAgents: numberField,
  loadBalancingStrategy: text,
};

export const createDepartmentAction = action(
  'departments.create',
  z.object({ id: rawText, ...shared }).pipe(checkedAs(createDepartmentSchema)),
  async (input, { db, principal }) => {
    const dept = await createDepartment(db, principal, input);
    revalidatePath('/departments');
    return { ok: `Created ${dept.name}` };
  },
);

// The form sends every quota field: blank removes that quota (null), as in the REST PATCH.
const quota = z.preprocess((v) => quotaField(typeof v === 'string' ? v : null), z.number().nullable().optional());

const editForm = z
  .object({
    id: departmentIdSchema,
    ...shared,
    status: text,
    tasksPerMinute: quota,
    maxPendingTasks: quota,
    maxMonthlyCost: quota,
  })
  .transform(({ tasksPerMinute, maxPendingTasks, maxMonthlyCost, ...rest }) => ({
    ...rest,
    quotas: { tasksPerMinute, maxPendingTasks, maxMonthlyCost },
  }))
  // The PATCH body's fields, checked as PATCH /departments/{id} checks them, beside the id.
  .pipe(checkedAs(z.object({ id: departmentIdSchema, ...updateDepartmentSchema.shape }).strict()));

export const updateDepartmentAction = action('departments.update', editForm, async ({ id, ...patch }, { db, principal }) => {
  const dept = await updateDepartment(db, principal, id, patch);
  revalidatePath(`/departments/${id}`);
  return { ok: `Saved ${dept.name}` };
});

export const archiveDepartmentAction = action(
  'departments.archive',
  z.object({ id: departmentIdSchema, force: checkbox }),
  async ({ id, force }, { db, principal }) => {
    await archiveDepartment(db, principal, id, { force });
    revalidatePath(`/departments/${id}`);
    revalidatePath('/departments');
    return { ok: 'Archived' };
  },
);

export const unarchiveDepartmentAction = action(
  'departments.unarchive',
  z.object({ id: departmentIdSchema }),
  async ({ id }, { db, principal }) => {
    await unarchiveDepartment(db, principal, id);
    revalidatePath(`/departments/${id}`);
    revalidatePath('/departments');
    return { ok: 'Unarchived' };
  },
);
