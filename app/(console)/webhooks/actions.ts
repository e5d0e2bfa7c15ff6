'use server';

import { revalidatePath } from 'next/cache';
import { z } from 'zod';
import { getDb } from '@/db/client';
import { createWebhookSchema } from '@/lib/webhooks/schemas';
import { createWebhook, deleteWebhook, redeliver, testWebhook, updateWebhook } from '@/lib/webhooks/service';
import { badRequest } from '@/lib/errors';
import { fieldProblems } from '@/app/_lib/field-messages';
import { requirePrincipal } from '@/app/_lib/session';
import { actionError, type ActionState } from '@/app/_lib/action-state';
import { formText } from '@/app/_lib/form-fields';

const id = z.uuid();

export type CreateWebhookState = ActionState & { secret?: string };

/** The console's create form: the same schema and lib/ call as POST /api/v1/webhooks; the secret is shown once. */
export async function createWebhookAction(_prev: CreateWebhookState, form: FormData): Promise<CreateWebhookState> {
  try {
    const text = formText(form);
    const dept = text('departmentId');
    const parsed = createWebhookSchema.safeParse({
      url: text('url'),
      events: form.getAll('events').map(String),
      departmentId: dept === 'global' ? null : dept,
      description: text('description'),
    });
    if (!parsed.success) throw badRequest('Check the fields', fieldProblems(parsed.error));
    const made = await createWebhook(getDb(), await requirePrincipal(), parsed.data);
    revalidatePath('/webhooks');
    return { ok: true, id: made.id, secret: made.secret };
  } catch (err) {
    return actionError(err);
  }
}

export async function setWebhookEnabledAction(webhookId: string, enabled: boolean): Promise<ActionState> {
  try {
    await updateWebhook(getDb(), await requirePrincipal(), id.parse(webhookId), { enabled });
    revalidatePath('/webhooks');
    revalidatePath(`/webhooks/${webhookId}`);
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}

export async function testWebhookAction(webhookId: string): Promise<ActionState> {
  try {
    const d = await testWebhook(getDb(), await requirePrincipal(), id.parse(webhookId));
    revalidatePath(`/webhooks/${webhookId}`);
    return d.status === 'delivered' ? { ok: true } : { ok: false, error: `Test not accepted: ${d.lastError ?? d.responseStatus}` };
  } catch (err) {
    return actionError(err);
  }
}

export async function redeliverAction(webhookId: string, deliveryId: string): Promise<ActionState> {
  try {
    await redeliver(getDb(), await requirePrincipal(), id.parse(webhookId), id.parse(deliveryId));
    revalidatePath(`/webhooks/${webhookId}`);
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}

export async function deleteWebhookAction(webhookId: string): Promise<ActionState> {
  try {
    await deleteWebhook(getDb(), await requirePrincipal(), id.parse(webhookId));
    revalidatePath('/webhooks');
    return { ok: true };
  } catch (err) {
    return actionError(err);
  }
}
