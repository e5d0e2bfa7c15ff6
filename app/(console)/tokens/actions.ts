'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createTokenSchema, tokenParams } from '@/lib/tokens/schemas';
import { createApiToken, revokeApiToken } from '@/lib/tokens/service';
import { quotaField } from '@/lib/quotas/schemas';
import { action } from '@/app/_lib/action';
import { checkedAs, numberField, text } from '@/app/_lib/form-fields';

const tokenForm = z
  .object({
    name: text,
    expiresInDays: numberField,
    permissions: text.transform((v) => v?.split(/[\s,]+/).filter(Boolean)),
    // Blank: no limit.
    requestsPerMinute: z.preprocess((v) => quotaField(typeof v === 'string' ? v : null) ?? undefined, z.number().optional()),
  })
  .transform(({ requestsPerMinute, permissions, ...rest }) => ({
    ...rest,
    ...(permissions?.length ? { permissions } : {}),
    ...(requestsPerMinute !== undefined ? { quotas: { requestsPerMinute } } : {}),
  }))
  .pipe(checkedAs(createTokenSchema));

export const createTokenAction = action(
  'tokens.create',
  tokenForm,
  async (input, { db, principal }) => {
    const made = await createApiToken(db, principal, input);
    revalidatePath('/tokens');
    // The only time the secret is shown.
    return { ok: `Created ${made.name}`, data: { token: made.token } };
  },
  { rename: { 'quotas.requestsPerMinute': 'requestsPerMinute' } },
);

export const revokeTokenAction = action('tokens.revoke', tokenParams, async ({ id }, { db, principal }) => {
  await revokeApiToken(db, principal, id);
  revalidatePath('/tokens');
  return { ok: 'Revoked' };
});
