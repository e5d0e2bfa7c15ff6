'use server';

import { revalidatePath } from 'next/cache';
import { roles } from '@/db/vocabulary';
import { createUserSchema, updateUserSchema, userParams } from '@/lib/users/schemas';
import { createUser, deleteUser, updateUser } from '@/lib/users/service';
import { setMfaPolicy } from '@/lib/security/mfa-policy';
import { badRequest } from '@/lib/errors';
import { fieldProblems } from '@/app/_lib/field-messages';
import { formString, runAction, type ActionState } from '@/app/_lib/action';
import { formValues } from '@/app/_lib/form-fields';
import type { z } from 'zod';

function parse<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw badRequest('Check the highlighted fields', fieldProblems(r.error));
  return r.data;
}

/** Creates a user; a refused form comes back with what was typed (all but the password). */
export async function createUserAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const values = { ...formValues(form, ['username', 'role']), departmentIds: form.getAll('departmentIds').map(String) };
  const state = await runAction('users.create', async (db, principal) => {
    const input = parse(createUserSchema, {
      username: formString(form, 'username'),
      password: formString(form, 'password'),
      role: formString(form, 'role'),
      departmentIds: form.getAll('departmentIds').map(String),
    });
    const user = await createUser(db, principal, input);
    revalidatePath('/users');
    return { ok: `Created ${user.username}` };
  });
  return state.error ? { ...state, values } : state;
}

export async function updateUserAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('users.update', async (db, principal) => {
    const { id } = parse(userParams, { id: formString(form, 'id') });
    const password = formString(form, 'password');
    const input = parse(updateUserSchema, {
      role: formString(form, 'role') || undefined,
      departmentIds: form.getAll('departmentIds').map(String),
      disabled: form.get('disabled') === 'on',
      ...(password ? { password } : {}),
      ...(form.get('unlock') === 'on' ? { unlock: true } : {}),
      ...(form.get('resetMfa') === 'on' ? { resetMfa: true } : {}),
    });
    const user = await updateUser(db, principal, id, input);
    revalidatePath('/users');
    return { ok: `Saved ${user.username}` };
  });
}

export async function deleteUserAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('users.delete', async (db, principal) => {
    const { id } = parse(userParams, { id: formString(form, 'id') });
    await deleteUser(db, principal, id);
    revalidatePath('/users');
    return { ok: 'Deleted' };
  });
}

export async function mfaPolicyAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('security.mfa-policy', async (db, principal) => {
    const requiredRoles = roles.filter((r) => form.get(`role:${r}`) === 'on');
    await setMfaPolicy(db, principal, { requiredRoles });
    revalidatePath('/users');
    return { ok: requiredRoles.length ? `MFA required for ${requiredRoles.join(', ')}` : 'MFA optional for every role' };
  });
}
