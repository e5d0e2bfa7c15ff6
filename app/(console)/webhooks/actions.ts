'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { createWebhookSchema } from '@/lib/webhooks/schemas';
import { createWebhook, deleteWebhook, redeliver, testWebhook, updateWebhook } from '@/lib/webhooks/service';
import { badRequest } from '@/lib/errors';
import { action } from '@/app/_lib/action';
import { checkbox, checkedAs, checkedList, text } from '@/app/_lib/form-fields';

const byId = z.object({ id: z.uuid() });

const webhookForm = z
  .object({ url: text, events: checkedList, departmentId: text, description: text })
  // "global": every department's events (super-admins only).
  .transform((f) => ({ ...f, departmentId: f.departmentId === 'global' ? null : f.departmentId }))
  .pipe(checkedAs(createWebhookSchema));

/** The console's create form: the same schema and lib/ call as POST /api/v1/webhooks; the secret is shown once. */
export const createWebhookAction = action('webhooks.create', webhookForm, async (input, { db, principal }) => {
  const made = await createWebhook(db, principal, input);
  revalidatePath('/webhooks');
  return { ok: 'Webhook created', data: { id: made.id, secret: made.secret } };
});

export const setWebhookEnabledAction = action(
  'webhooks.enable',
  z.object({ id: z.uuid(), enabled: checkbox }),
  async ({ id, enabled }, { db, principal }) => {
    await updateWebhook(db, principal, id, { enabled });
    revalidatePath('/webhooks');
    revalidatePath(`/webhooks/${id}`);
    return { ok: enabled ? 'Resumed' : 'Paused' };
  },
);

export const testWebhookAction = action('webhooks.test', byId, async ({ id }, { db, principal }) => {
  const d = await testWebhook(db, principal, id);
  revalidatePath(`/webhooks/${id}`);
  if (d.status !== 'delivered') throw badRequest(`Test not accepted: ${d.lastError ?? d.responseStatus}`);
  return { ok: 'Test delivered' };
});

export const redeliverAction = action(
  'webhooks.redeliver',
  z.object({ id: z.uuid(), deliveryId: z.uuid() }),
  async ({ id, deliveryId }, { db, principal }) => {
    await redeliver(db, principal, id, deliveryId);
    revalidatePath(`/webhooks/${id}`);
    return { ok: 'Queued again' };
  },
);

export const deleteWebhookAction = action('webhooks.delete', byId, async ({ id }, { db, principal }) => {
  await deleteWebhook(db, principal, id);
  revalidatePath('/webhooks');
  return { ok: 'Deleted' };
});
