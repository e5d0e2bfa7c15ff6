'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { departmentIdSchema } from '@/lib/org/department-id';
import { resourceTypes } from '@/lib/org/resource-kinds';
import { updateCapacitiesSchema } from '@/lib/resources/schemas';
import { updateCapacities } from '@/lib/resources/service';
import { action } from '@/app/_lib/action';
import { checkedAs, numberField } from '@/app/_lib/form-fields';

const poolForm = z
  .object({ departmentId: departmentIdSchema, type: z.enum(resourceTypes), guaranteed: numberField, maximum: numberField })
  // One kind's limits, as the PATCH body names them.
  .transform(({ departmentId, type, guaranteed, maximum }) => ({ departmentId, type, limits: { [type]: { guaranteed, maximum } } }))
  .pipe(checkedAs(z.object({ departmentId: departmentIdSchema, type: z.enum(resourceTypes), limits: updateCapacitiesSchema })));

/** The pool settings form: the same updateCapacities (and checks) as PATCH /departments/{id}/resources. */
export const updatePoolAction = action(
  'resources.update-pool',
  poolForm,
  async ({ departmentId, type, limits }, { db, principal }) => {
    const res = await updateCapacities(db, principal, departmentId, limits);
    const p = res.pools.find((x) => x.type === type);
    revalidatePath('/resources');
    return { ok: `${departmentId} ${type}: guaranteed ${p?.guaranteed}, maximum ${p?.maximum}, capacity ${p?.capacity}.` };
  },
  // The kind's limits are the form's two amounts.
  {
    rename: Object.fromEntries(
      resourceTypes.flatMap((k) => [
        [`limits.${k}.guaranteed`, 'guaranteed'],
        [`limits.${k}.maximum`, 'maximum'],
      ]),
    ),
  },
);
