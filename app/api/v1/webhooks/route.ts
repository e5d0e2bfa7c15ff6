import { route } from '@/lib/http/route';
import { createWebhookSchema, listWebhooksQuery } from '@/lib/webhooks/schemas';
import { createWebhook, listWebhooks } from '@/lib/webhooks/service';

export const GET = route({ query: listWebhooksQuery, summary: 'List the webhooks you manage' }, ({ db, principal, query }) =>
  listWebhooks(db, principal, query),
);

export const POST = route(
  { body: createWebhookSchema, status: 201, summary: 'Create a webhook (its secret is answered once)' },
  ({ db, principal, body }) => createWebhook(db, principal, body),
);
