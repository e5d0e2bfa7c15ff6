import { route } from '@/lib/http/route';
import { updateWebhookSchema, webhookIdParams } from '@/lib/webhooks/schemas';
import { deleteWebhook, getWebhook, updateWebhook } from '@/lib/webhooks/service';

export const GET = route({ params: webhookIdParams, summary: 'A webhook' }, ({ db, principal, params }) =>
  getWebhook(db, principal, params.id),
);

export const PATCH = route(
  { params: webhookIdParams, body: updateWebhookSchema, summary: 'Change, pause or resume a webhook, or rotate its secret' },
  ({ db, principal, params, body }) => updateWebhook(db, principal, params.id, body),
);

export const DELETE = route({ params: webhookIdParams, summary: 'Delete a webhook and its delivery log' }, ({ db, principal, params }) =>
  deleteWebhook(db, principal, params.id),
);
