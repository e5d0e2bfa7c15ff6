'use server';

import { revalidatePath } from 'next/cache';
import { createTokenSchema, tokenParams } from '@/lib/tokens/schemas';
import { createApiToken, revokeApiToken } from '@/lib/tokens/service';
import { badRequest } from '@/lib/errors';
import { fieldProblems } from '@/app/_lib/field-messages';
import { formString, runAction, type ActionState } from '@/app/_lib/action';
import { quotaField } from '@/lib/quotas/schemas';

export async function createTokenAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('tokens.create', async (db, principal) => {
    const days = formString(form, 'expiresInDays');
    const perms = formString(form, 'permissions')
      .split(/[\s,]+/)
      .filter(Boolean);
    const requestsPerMinute = quotaField(form.get('requestsPerMinute'));
    const parsed = createTokenSchema.safeParse({
      name: formString(form, 'name'),
      ...(days ? { expiresInDays: Number(days) } : {}),
      ...(perms.length ? { permissions: perms } : {}),
      ...(typeof requestsPerMinute === 'number' ? { quotas: { requestsPerMinute } } : {}),
    });
    if (!parsed.success) throw badRequest('Check the fields', fieldProblems(parsed.error));
    const made = await createApiToken(db, principal, parsed.data);
    revalidatePath('/tokens');
    // The only time the secret is shown.
    return { ok: `Created ${made.name}`, data: { token: made.token } };
  });
}

export async function revokeTokenAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  return runAction('tokens.revoke', async (db, principal) => {
    const p = tokenParams.safeParse({ id: formString(form, 'id') });
    if (!p.success) throw badRequest('Unknown token');
    await revokeApiToken(db, principal, p.data.id);
    revalidatePath('/tokens');
    return { ok: 'Revoked' };
  });
}
