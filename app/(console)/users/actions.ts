'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { roles } from '@/db/vocabulary';
import { createUserSchema, updateUserSchema, userParams } from '@/lib/users/schemas';
import { createUser, deleteUser, updateUser } from '@/lib/users/service';
import { setMfaPolicy } from '@/lib/security/mfa-policy';
import { action } from '@/app/_lib/action';
import { checkbox, checkedAs, checkedList, rawText, text } from '@/app/_lib/form-fields';

/** Creates a user; a refused form comes back with what was typed (all but the password). */
export const createUserAction = action(
  'users.create',
  z.object({ username: rawText, password: rawText, role: rawText, departmentIds: checkedList }).pipe(checkedAs(createUserSchema)),
  async (input, { db, principal }) => {
    const user = await createUser(db, principal, input);
    revalidatePath('/users');
    return { ok: `Created ${user.username}` };
  },
);

const editForm = z
  .object({
    id: z.uuid(),
    role: text,
    departmentIds: checkedList,
    disabled: checkbox,
    // Blank: the password stays.
    password: z.preprocess((v) => (v === '' ? undefined : v), z.string().optional()),
    unlock: checkbox,
    resetMfa: checkbox,
  })
  .transform(({ unlock, resetMfa, ...rest }) => ({
    ...rest,
    ...(unlock ? { unlock: true as const } : {}),
    ...(resetMfa ? { resetMfa: true as const } : {}),
  }))
  .pipe(checkedAs(z.object({ id: z.uuid(), ...updateUserSchema.shape }).strict()));

export const updateUserAction = action('users.update', editForm, async ({ id, ...input }, { db, principal }) => {
  const user = await updateUser(db, principal, id, input);
  revalidatePath('/users');
  return { ok: `Saved ${user.username}` };
});

export const deleteUserAction = action('users.delete', userParams, async ({ id }, { db, principal }) => {
  await deleteUser(db, principal, id);
  revalidatePath('/users');
  return { ok: 'Deleted' };
});

const policyForm = z.object(Object.fromEntries(roles.map((r) => [`role:${r}`, checkbox])) as Record<`role:${string}`, typeof checkbox>);

export const mfaPolicyAction = action('security.mfa-policy', policyForm, async (form, { db, principal }) => {
  const requiredRoles = roles.filter((r) => form[`role:${r}`]);
  await setMfaPolicy(db, principal, { requiredRoles });
  revalidatePath('/users');
  return { ok: requiredRoles.length ? `MFA required for ${requiredRoles.join(', ')}` : 'MFA optional for every role' };
});
